// @ts-check
// The room's live region (see room.eta) gains one line per message from someone else; those read
// out need not pile up, so it keeps the last few. Removals are not announced (aria-relevant).
import { dom } from "./contract.js";

const KEEP = 3;

export function listen() {
  document.addEventListener("htmx:oobAfterSwap", () => {
    const region = document.getElementById(dom.id.announcer);
    while (region && region.childElementCount > KEEP) region.firstElementChild?.remove();
  });
}
