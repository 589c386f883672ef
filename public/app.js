// @ts-check
// What attributes cannot do. Everything here is comfort: without it, Parley still works. Each
// concern is a module in public/js; this one starts them and enhances what htmx brings in.
import * as attachments from "./js/attachments.js";
import * as composer from "./js/composer.js";
import * as connection from "./js/connection.js";
import * as history from "./js/history.js";
import * as reading from "./js/reading.js";
import { localizeTimes } from "./js/times.js";

/** @param {ParentNode} root */
function enhance(root) {
  composer.enhanceComposer(root);
  localizeTimes(root);
  reading.watchMessages(root);
}

composer.listen();
attachments.listen();
reading.listen();
document.addEventListener("htmx:load", (event) => enhance(/** @type {HtmxEvent} */ (event).detail.elt?.parentElement || document));
document.addEventListener("DOMContentLoaded", () => enhance(document));
history.listen();
connection.listen();
