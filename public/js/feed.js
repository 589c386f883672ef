// @ts-check
// The messages as a feed (the WAI-ARIA APG feed pattern, with a roving tabindex). Every message
// holds a few controls (its time is a link, "Seen by…", "Mark unread from here"…), so in a busy
// room Tab would stop hundreds of times before the composer. With script the loaded messages are
// one Tab stop instead: the current message takes Tab (tabindex 0), and so do the controls inside
// it; every other message and its controls are out of the Tab order (-1), though a click or a
// screen reader still reaches them. Arrow keys go from message to message (PageUp/PageDown also
// from a control inside one, as the APG feed has it), Home and End to the first and last loaded;
// past either end the history loader there takes focus, which brings it on screen and loads the
// next page (history.js then focuses the new message nearest to the reader). Without script
// nothing changes: every control is a Tab stop of its own.
import { at, dom } from "./contract.js";
import { FOCUSABLE } from "./focus.js";

const LISTS = `${at(dom.id.history)}, ${at(dom.id.messages)}`;
const MESSAGES = `${at(dom.id.history)} > li.message, ${at(dom.id.messages)} > li.message`;

/** The message that takes Tab. @type {HTMLElement | null} */
let current = null;
/** Controls taken out of the Tab order, with the tabindex each had before (null: none). @type {WeakMap<Element, string | null>} */
const parked = new WeakMap();

/** The message of the feed that `node` is or is in. @param {EventTarget | Node | null | undefined} node @returns {HTMLElement | null} */
function messageOf(node) {
  const li = node instanceof Element ? node.closest("li.message") : null;
  return li instanceof HTMLElement && li.parentElement?.matches(LISTS) ? li : null;
}

/** @returns {HTMLElement[]} */
const loadedMessages = () => /** @type {HTMLElement[]} */ ([...document.querySelectorAll(MESSAGES)]);

/** `root` if it is a control (a message is not one here: its tabindex is the roving one), and the controls inside it. @param {Element} root */
const controlsIn = (root) => [
  ...(root.matches(FOCUSABLE) && !root.matches("li.message") ? [root] : []),
  ...root.querySelectorAll(FOCUSABLE),
];

/** @param {Element} root */
function park(root) {
  for (const control of controlsIn(root)) {
    if (!parked.has(control)) parked.set(control, control.getAttribute("tabindex"));
    control.setAttribute("tabindex", "-1");
  }
}

/** @param {Element} root */
function unpark(root) {
  for (const control of controlsIn(root)) {
    if (!parked.has(control)) continue;
    const before = parked.get(control);
    parked.delete(control);
    if (before == null) control.removeAttribute("tabindex");
    else control.setAttribute("tabindex", before);
  }
}

/** @param {HTMLElement} li */
function makeCurrent(li) {
  if (li === current) return;
  if (current) {
    current.tabIndex = -1;
    park(current);
  }
  current = li;
  unpark(li);
  li.tabIndex = 0;
}

/** Makes `li` the current message and focuses it (the browser scrolls it on screen). @param {HTMLElement} li */
export function focusMessage(li) {
  makeCurrent(li);
  li.focus();
}

/** The current message, after making sure there is one if any message is loaded. */
export function currentMessage() {
  if (current?.isConnected && messageOf(current) === current) return current;
  // A permalink's message, else the newest.
  const next = messageOf(document.querySelector("li.message.is-target")) ?? loadedMessages().at(-1);
  if (next) makeCurrent(next);
  return next ?? null;
}

/** The message shown before `li`, across the history list and the live list. @param {HTMLElement} li */
function messageBefore(li) {
  let before = li.previousElementSibling;
  while (before && !before.matches("li.message")) before = before.previousElementSibling;
  if (before || li.parentElement?.id !== dom.id.messages) return before;
  return [...(document.getElementById(dom.id.history)?.querySelectorAll(":scope > li.message") ?? [])].at(-1) ?? null;
}

/** Takes a message that arrived out of the Tab order, unless it is the current one. @param {HTMLElement} li */
function adopt(li) {
  // While the reader is elsewhere, a current message at the newest moves on with the live messages
  // that arrive after it: Tab back into the list lands on what was just said.
  const following = current && li.parentElement?.id === dom.id.messages && messageBefore(li) === current;
  if (following && !messageOf(document.activeElement)) return makeCurrent(li);
  if (li === current) return;
  li.tabIndex = -1;
  park(li);
}

/** Whatever htmx brought in: messages, something holding messages, or something inside one. @param {Element} root */
function arrived(root) {
  const inside = messageOf(root);
  if (inside) {
    if (inside === root) adopt(inside);
    else if (inside !== current) park(root);
  } else {
    for (const li of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(MESSAGES))) adopt(li);
  }
  currentMessage();
}

/** The link of the history loader at one end, if there is more to load there. @param {"older" | "newer"} edge */
function loaderLink(edge) {
  const loader = document.getElementById(edge === "older" ? dom.id.historyOlder : dom.id.historyNewer);
  return /** @type {HTMLElement | null} */ (loader?.querySelector("a[href]") ?? null);
}

/** @param {KeyboardEvent} event */
function move(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = /** @type {Element} */ (event.target);
  const message = messageOf(target);
  if (!message) return;
  const paging = event.key === "PageUp" || event.key === "PageDown";
  // Inside a message the keys are the control's (a link scrolls, a video seeks), but for paging,
  // unless the control has a use of its own for it.
  if (target !== message && !(paging && !target.matches("input, textarea, select, audio, video, [contenteditable]"))) return;
  const all = loadedMessages();
  const index = all.indexOf(message);
  /** @type {HTMLElement | undefined} */
  let next;
  /** @type {"older" | "newer" | undefined} */
  let beyond;
  if (event.key === "ArrowUp" || event.key === "PageUp") [next, beyond] = [all[index - 1], "older"];
  else if (event.key === "ArrowDown" || event.key === "PageDown") [next, beyond] = [all[index + 1], "newer"];
  else if (event.key === "Home") next = all[0];
  else if (event.key === "End") next = all.at(-1);
  else return;
  event.preventDefault();
  if (next && next !== message) focusMessage(next);
  else if (beyond) loaderLink(beyond)?.focus();
}

export function listen() {
  document.addEventListener("DOMContentLoaded", () => arrived(document.body));
  document.addEventListener("htmx:load", (event) => {
    // The whole page at htmx's start is taken at DOMContentLoaded.
    if (event.target instanceof Element && event.target !== document.body) arrived(event.target);
  });
  // Focus reaching a message by any means (a click, a screen reader, a script) makes it current.
  document.addEventListener("focusin", (event) => {
    const message = messageOf(event.target);
    if (message) makeCurrent(message);
  });
  document.addEventListener("keydown", move);
  // "Skip to messages" leads to the message list; with script, to its one Tab stop.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest(`a[href="${at(dom.id.scroller)}"]`) : null;
    const message = link && currentMessage();
    if (!message) return;
    event.preventDefault();
    focusMessage(message);
  });
}
