import type { dom as PageDom } from "../../public/js/dom.js";
import { contract, slot } from "./dom.js";
import { render } from "./engine.js";

let source: string | undefined;

/**
 * The DOM contract as an ES module for the page's script, served as /js/dom.js: the ids, events and
 * sizes, and the history loaders rendered by their own partial with stand-ins for the room and the
 * message, which the script fills in when it puts a loader back after trimming a long page. Served
 * apart from the pages, as js/dom.js beside the script's modules (src/web/assets.ts), so that no page
 * carries names it does not use.
 */
export function domModule(): string {
  if (source !== undefined) return source;
  // Typed as the script declares it (public/js/dom.d.ts): what the script uses must be here.
  const page: typeof PageDom = {
    ...contract,
    loaders: {
      older: render("partials/history-edge", { edge: "older", roomId: slot.room, messageId: slot.message }),
      newer: render("partials/history-edge", { edge: "newer", roomId: slot.room, messageId: slot.message }),
    },
  };
  source = `export const dom = ${JSON.stringify(page)};\n`;
  return source;
}
