// @ts-check
// Times are rendered in UTC on the server; show them in the reader's own time zone.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

/** @param {ParentNode} root */
export function localizeTimes(root) {
  for (const el of root.querySelectorAll?.("time[data-local-time]") ?? []) {
    const when = new Date(el.getAttribute("datetime") ?? "");
    if (Number.isNaN(when.getTime())) continue;
    el.textContent = timeOfDay.format(when);
    /** @type {HTMLElement} */ (el).title = fullDate.format(when);
  }
}
