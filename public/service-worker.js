// @ts-check
// Parley's service worker, served at /service-worker.js (src/web/assets.ts): it only shows Web
// Push notifications (src/push/worker.ts sends them) and opens their messages. No fetch handler:
// pages always come from the server. Registered by public/js/notifications.js, with the icon's
// versioned path in its URL (?icon=…).

/** @typedef {{ type?: string, title?: string, body?: string, url?: string, tag?: string }} ParleyPayload */
/** @typedef {Event & { waitUntil(work: Promise<unknown>): void }} ParleyExtendableEvent */
/** @typedef {ParleyExtendableEvent & { data: { json(): unknown } | null }} ParleyPushEvent */
/** @typedef {ParleyExtendableEvent & { notification: Notification }} ParleyNotificationEvent */
/** @typedef {{ url: string, focus(): Promise<unknown>, navigate(url: string): Promise<unknown> }} ParleyWindowClient */
/**
 * @typedef {{
 *   registration: ServiceWorkerRegistration,
 *   location: Location,
 *   skipWaiting(): Promise<void>,
 *   clients: {
 *     claim(): Promise<void>,
 *     matchAll(options: { type: "window", includeUncontrolled: boolean }): Promise<ParleyWindowClient[]>,
 *     openWindow(url: string): Promise<unknown>,
 *   },
 *   addEventListener(type: string, listener: (event: any) => void): void,
 * }} ParleyWorker
 */

const worker = /** @type {ParleyWorker} */ (/** @type {unknown} */ (self));
const icon = new URL(worker.location.href).searchParams.get("icon") || undefined;

worker.addEventListener("install", () => void worker.skipWaiting());
// Open Parley pages are taken over at once, so a notification's click can navigate them.
worker.addEventListener("activate", (/** @type {ParleyExtendableEvent} */ event) => event.waitUntil(worker.clients.claim()));

/** @param {unknown} data @returns {ParleyPayload} */
function payloadOf(data) {
  return data !== null && typeof data === "object" ? /** @type {ParleyPayload} */ (data) : {};
}

/** @param {ParleyPushEvent} event */
async function received(event) {
  let payload;
  try {
    payload = payloadOf(event.data?.json());
  } catch {
    payload = {};
  }
  const { registration } = worker;
  if (payload.type === "close") {
    // The room was read on some device: its notifications here are stale.
    for (const shown of await registration.getNotifications({ tag: payload.tag })) shown.close();
    return;
  }
  await registration.showNotification(payload.title || "Parley", {
    body: payload.body || "",
    tag: payload.tag,
    icon,
    data: { url: payload.url || "/" },
  });
}

worker.addEventListener("push", (/** @type {ParleyPushEvent} */ event) => event.waitUntil(received(event)));

/** An open Parley tab, focused and taken to the message; else a new one. @param {string} url */
async function open(url) {
  const target = new URL(url, worker.location.origin);
  if (target.origin !== worker.location.origin) return;
  const [tab] = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (!tab) return void (await worker.clients.openWindow(target.href));
  await tab.focus();
  try {
    await tab.navigate(target.href);
  } catch {
    // Not this worker's to navigate (opened before it was registered): a new tab instead.
    await worker.clients.openWindow(target.href);
  }
}

worker.addEventListener("notificationclick", (/** @type {ParleyNotificationEvent} */ event) => {
  event.notification.close();
  event.waitUntil(open(String(event.notification.data?.url || "/")));
});
