// @ts-check
// Reading: the newest message that has been on screen while the page is visible and focused is
// reported over the page's socket (htmx sends the read-signal form). Losing one is fine. The page
// title carries the unread total, kept current by the pushed unread-total element.
import { at, dom, messageId } from "./contract.js";

/** @type {Set<number>} */
const onScreen = new Set();
let reported = 0;

function reportRead() {
  const form = document.getElementById(dom.id.readSignal);
  if (!(form instanceof HTMLFormElement) || document.visibilityState !== "visible" || !document.hasFocus() || onScreen.size === 0) return;
  const newest = Math.max(...onScreen);
  if (newest <= reported) return;
  reported = newest;
  const field = form.elements.namedItem("messageId");
  if (field instanceof HTMLInputElement) field.value = String(newest);
  htmx.trigger(form, dom.event.read);
}

const readObserver =
  "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const id = messageId(entry.target);
          if (entry.isIntersecting) onScreen.add(id);
          else onScreen.delete(id);
        }
        reportRead();
      })
    : null;

/** Watches the live messages in `root`. @param {ParentNode} root */
export function watchMessages(root) {
  for (const li of root.querySelectorAll?.(`${at(dom.id.messages)} > li[id^="${dom.prefix.message}"]`) ?? []) readObserver?.observe(li);
}

/** The title without the totals the server put before it (src/render/unread.ts, presentTotals). */
const pageTitle = document.title.slice(document.getElementById(dom.id.unreadTotal)?.dataset.titlePrefix?.length ?? 0);

function showUnreadTotal() {
  document.title = (document.getElementById(dom.id.unreadTotal)?.dataset.titlePrefix ?? "") + pageTitle;
}

export function listen() {
  document.addEventListener("visibilitychange", reportRead);
  window.addEventListener("focus", reportRead);
  document.addEventListener("htmx:wsOpen", () => {
    reported = 0;
    reportRead();
  });
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const { target, fragment } = /** @type {HtmxEvent} */ (event).detail;
    if (target?.id === dom.id.unreadTotal || fragment?.id === dom.id.unreadTotal) showUnreadTotal();
  });
}
