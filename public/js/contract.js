// @ts-check
// The DOM contract (src/render/dom.ts), as the server hands it over in js/dom.js: every id, event
// and size the script shares with the templates comes from there, never from a copy here.
import { dom } from "./dom.js";

export { dom };

/** @param {string} elementId */
export const at = (elementId) => `#${elementId}`;

/** A message's number, from its element's id. @param {Element} li */
export const messageId = (li) => Number(li.id.slice(dom.prefix.message.length));
