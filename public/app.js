// What attributes cannot do. Everything here is comfort: without it, Parley still works.

/** Adds or removes one id in a field's aria-describedby. */
function describedBy(field, id, on) {
  const ids = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size) field.setAttribute("aria-describedby", [...ids].join(" "));
  else field.removeAttribute("aria-describedby");
}

function composerOf(event) {
  const form = event.detail.elt;
  return form instanceof HTMLFormElement && form.hasAttribute("data-composer") ? form : null;
}

// The composer: Enter sends, Shift+Enter makes a new line (only promised when this script runs).
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLTextAreaElement) || !field.hasAttribute("data-enter-sends")) return;
  if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  if (field.value.trim() !== "") field.form?.requestSubmit();
});

function enhanceComposer(root) {
  const hint = root.querySelector?.("#composer-hint");
  const field = root.querySelector?.("#composer-body");
  if (!hint || !field) return;
  hint.hidden = false;
  describedBy(field, "composer-hint", true);
}

// After a message is accepted it comes back over the WebSocket; the composer is emptied and keeps focus.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = composerOf(event);
  if (!form || !event.detail.successful || event.detail.xhr.status !== 204) return;
  form.querySelector("#composer-error")?.remove();
  const field = form.querySelector("textarea");
  if (!field) return;
  // Not form.reset(): after an error the server's composer carries the rejected text as its default.
  field.value = "";
  field.removeAttribute("aria-invalid");
  describedBy(field, "composer-error", false);
  field.focus();
});

// A failed send keeps the text and says why, next to the field, as the server's own errors do.
const sendFailures = {
  403: "This page has expired. Reload it and try again.",
  404: "This room is no longer available to you.",
  413: "This message is too large to send.",
  429: "You are sending messages too fast. Wait a moment and try again.",
};
function showSendError(event) {
  const form = composerOf(event);
  const field = form?.querySelector("textarea");
  if (!form || !field) return;
  let error = form.querySelector("#composer-error");
  if (!error) {
    error = document.createElement("p");
    error.id = "composer-error";
    error.className = "field-error";
    form.append(error);
  }
  error.textContent =
    sendFailures[event.detail.xhr?.status] || "Your message could not be sent. Check your connection and try again.";
  field.setAttribute("aria-invalid", "true");
  describedBy(field, "composer-error", true);
  field.focus();
}
document.addEventListener("htmx:responseError", showSendError);
document.addEventListener("htmx:sendError", showSendError);

// Reading: the newest message that has been on screen while the page is visible and focused is
// reported over the page's socket (htmx sends the #read-signal form). Losing one is fine.
const onScreen = new Set();
let reported = 0;
function reportRead() {
  const form = document.getElementById("read-signal");
  if (!form || document.visibilityState !== "visible" || !document.hasFocus() || onScreen.size === 0) return;
  const newest = Math.max(...onScreen);
  if (newest <= reported) return;
  reported = newest;
  form.elements.messageId.value = String(newest);
  htmx.trigger(form, "parley:read");
}
const readObserver =
  "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const id = Number(entry.target.id.slice("message-".length));
          if (entry.isIntersecting) onScreen.add(id);
          else onScreen.delete(id);
        }
        reportRead();
      })
    : null;
function watchMessages(root) {
  for (const li of root.querySelectorAll?.('#messages > li[id^="message-"]') ?? []) readObserver?.observe(li);
}
document.addEventListener("visibilitychange", reportRead);
window.addEventListener("focus", reportRead);
document.addEventListener("htmx:wsOpen", () => {
  reported = 0;
  reportRead();
});

// The page title carries the unread total, kept current by the pushed #unread-total.
function showUnreadTotal() {
  const total = Number(document.getElementById("unread-total")?.dataset.total || 0);
  const title = document.title.replace(/^\(\d+\) /, "");
  document.title = total > 0 ? `(${total}) ${title}` : title;
}
document.addEventListener("htmx:oobAfterSwap", (event) => {
  if (event.detail.target?.id === "unread-total" || event.detail.fragment?.id === "unread-total") showUnreadTotal();
});

// Times are rendered in UTC on the server; show them in the reader's own time zone.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });
function localizeTimes(root) {
  for (const el of root.querySelectorAll?.("time[data-local-time]") ?? []) {
    const when = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(when.getTime())) continue;
    el.textContent = timeOfDay.format(when);
    el.title = fullDate.format(when);
  }
}

function enhance(root) {
  enhanceComposer(root);
  localizeTimes(root);
  watchMessages(root);
}
document.addEventListener("htmx:load", (event) => enhance(event.detail.elt.parentElement || document));
document.addEventListener("DOMContentLoaded", () => enhance(document));
