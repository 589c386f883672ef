// @ts-check
// The Mentions page: once "Older mentions" has loaded its page in place, focus goes to the first
// mention it brought. The link that was pressed is gone, or is now below all of them.
import { dom } from "./contract.js";

/** How many mentions the list held before the page that is arriving; -1 when none is. */
let before = -1;

/** @param {Event} event */
const listOf = (event) => {
  const target = /** @type {HtmxEvent} */ (event).detail.target;
  return target?.id === dom.id.mentionList ? target : null;
};

export function listen() {
  document.addEventListener("htmx:beforeSwap", (event) => {
    const list = listOf(event);
    if (list) before = list.children.length;
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = listOf(event);
    if (!list || before < 0) return;
    const first = list.children[before]?.querySelector("h2 a");
    before = -1;
    if (first instanceof HTMLElement) first.focus();
  });
}
