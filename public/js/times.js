// @ts-check
// Times are rendered in UTC on the server; show them in the reader's own time zone.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

const selector = "time[data-local-time]";

/** The times in `root` (and `root` itself, if it is one); only what arrived, not the whole page. */
/** @param {ParentNode} root */
export function localizeTimes(root) {
  const times = [...(root.querySelectorAll?.(selector) ?? [])];
  if (root instanceof Element && root.matches(selector)) times.push(root);
  for (const el of times) {
    const when = new Date(el.getAttribute("datetime") ?? "");
    if (Number.isNaN(when.getTime())) continue;
    el.textContent = timeOfDay.format(when);
    /** @type {HTMLElement} */ (el).title = fullDate.format(when);
  }
}
