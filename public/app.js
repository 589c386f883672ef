// @ts-check
// What attributes cannot do. Everything here is comfort: without it, Parley still works. Each
// concern is a module in public/js; this one starts them and enhances what htmx brings in.
import * as announcer from "./js/announcer.js";
import * as attachments from "./js/attachments.js";
import * as composer from "./js/composer.js";
import * as connection from "./js/connection.js";
import * as copyLink from "./js/copy-link.js";
import * as feed from "./js/feed.js";
import * as focus from "./js/focus.js";
import * as history from "./js/history.js";
import * as mentionSuggestions from "./js/mention-suggestions.js";
import * as mentions from "./js/mentions.js";
import * as messageActions from "./js/message-actions.js";
import * as messageDelete from "./js/message-delete.js";
import * as messageEdit from "./js/message-edit.js";
import * as notifications from "./js/notifications.js";
import * as panels from "./js/panels.js";
import * as reactionPicker from "./js/reaction-picker.js";
import * as reading from "./js/reading.js";
import { localizeTimes } from "./js/times.js";
import * as visibility from "./js/visibility.js";

/** @param {ParentNode} root where content arrived @param {ParentNode} arrived the content itself */
function enhance(root, arrived = root) {
  composer.enhanceComposer(root);
  composer.enhanceReply(arrived);
  mentionSuggestions.enhance(root);
  localizeTimes(arrived);
  messageActions.enhance(arrived);
  reactionPicker.enhance(arrived);
  reading.watchMessages(root);
}

composer.listen();
mentionSuggestions.listen();
attachments.listen();
announcer.listen();
reading.listen();
document.addEventListener("htmx:load", (event) => {
  const { elt } = /** @type {HtmxEvent} */ (event).detail;
  enhance(elt?.parentElement || document, elt || document);
});
document.addEventListener("DOMContentLoaded", () => {
  enhance(document);
  notifications.start();
});
history.listen();
feed.listen();
focus.listen();
mentions.listen();
panels.listen();
messageActions.listen();
reactionPicker.listen();
messageEdit.listen();
messageDelete.listen();
connection.listen();
copyLink.listen();
visibility.listen();
