// What attributes cannot do. Everything here is comfort: without it, Parley still works.

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
  const ids = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  ids.add("composer-hint");
  field.setAttribute("aria-describedby", [...ids].join(" "));
}

// After a message is accepted it comes back over the WebSocket; the composer is emptied and keeps focus.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-composer")) return;
  if (!event.detail.successful || event.detail.xhr.status !== 204) return;
  form.reset();
  const field = form.querySelector("textarea");
  field?.removeAttribute("aria-invalid");
  form.querySelector("#composer-error")?.remove();
  field?.focus();
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
}
document.addEventListener("htmx:load", (event) => enhance(event.detail.elt.parentElement || document));
document.addEventListener("DOMContentLoaded", () => enhance(document));
