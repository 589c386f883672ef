// @ts-check
// Settings' "Notify me on this device": the service worker is registered, and the browser asked
// for permission, only when that button is pressed. The subscription is posted to the server,
// which sends Web Push with it (src/push/worker.ts). Without script the section says it needs it.
import { dom } from "./contract.js";

const WORKER = "/service-worker.js";

/** @param {string} text */
function say(text) {
  const status = document.getElementById(dom.id.notifyStatus);
  if (status) status.textContent = text;
}

const BLOCKED =
  "Notifications are blocked in your browser. To allow them, open the site settings from the icon beside the address bar, set Notifications to Allow, then reload this page.";

/** The page's CSRF token, as `<body hx-headers>` gives it to htmx. */
function csrfToken() {
  try {
    return String(JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "");
  } catch {
    return "";
  }
}

/** @param {string} base64url @returns {Uint8Array<ArrayBuffer>} */
function bytesOf(base64url) {
  const binary = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** @param {HTMLButtonElement} button @param {DOMStringMap} settings the section's data- attributes */
async function turnOn(button, { vapidKey = "", icon = "" }) {
  button.disabled = true;
  try {
    const permission = await Notification.requestPermission();
    if (permission === "denied") return say(BLOCKED);
    if (permission !== "granted") return say("Notifications were not allowed. Press the button again to be asked again.");
    say("Turning notifications on…");
    // The icon's path is versioned: a new version of Parley updates the worker with it.
    const registration = await navigator.serviceWorker.register(`${WORKER}?icon=${encodeURIComponent(icon)}`, { scope: "/" });
    await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytesOf(vapidKey) }));
    const { endpoint, keys } = subscription.toJSON();
    const form = new URLSearchParams({ endpoint: endpoint ?? "", p256dh: keys?.p256dh ?? "", auth: keys?.auth ?? "" });
    const response = await fetch("/push/subscriptions", {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken() },
      body: form,
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    say("Notifications are on for this device. Reload the page to see it in your devices.");
  } catch (err) {
    say(`Notifications could not be turned on: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    button.disabled = false;
  }
}

export function start() {
  const section = document.getElementById(dom.id.deviceNotifications);
  const button = document.getElementById(dom.id.notifyButton);
  if (!section || !(button instanceof HTMLButtonElement)) return;
  document.getElementById(dom.id.notifyNeedsScript)?.remove();
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return say("This browser cannot show notifications from Parley.");
  }
  if (Notification.permission === "denied") return say(BLOCKED);
  button.hidden = false;
  button.addEventListener("click", () => void turnOn(button, section.dataset));
  // Already on? Asked of a worker registered earlier, without registering one.
  void navigator.serviceWorker.getRegistration("/").then(async (registration) => {
    if (Notification.permission === "granted" && (await registration?.pushManager.getSubscription())) {
      say("Notifications are on for this device.");
    }
  });
}
