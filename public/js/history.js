// @ts-check
// History and catching up. Pages of history load by themselves (htmx, on intersect); this keeps the
// live list whole: no gaps after the socket was away, no message shown twice, and not too long.
import { at, dom, messageId } from "./contract.js";
import { currentMessage, focusMessage } from "./feed.js";

const TRIM_ABOVE = 300;
const TRIM_TO = 200;
const liveList = () => document.getElementById(dom.id.messages);
const historyList = () => document.getElementById(dom.id.history);
const scroller = () => document.getElementById(dom.id.scroller);
/** How far the reader is above the newest message (the list is bottom-anchored: scrollTop <= 0). */
const distanceFromNewest = () => Math.abs(scroller()?.scrollTop ?? 0);
const shownSelector = () => `${at(dom.id.history)} > li.message, ${at(dom.id.messages)} > li.message`;
/** @returns {HTMLElement[]} */
const shownMessages = () => [...document.querySelectorAll(shownSelector())].map((li) => /** @type {HTMLElement} */ (li));

/** The newest message on the page (0 when there is none). */
export function newestShown() {
  const all = shownMessages();
  return all.length ? messageId(/** @type {HTMLElement} */ (all.at(-1))) : 0;
}

/** Whether live messages are left out because the page shows an older stretch. */
export function behind() {
  const list = liveList();
  return !list || list.hasAttribute("data-behind");
}

// Asks for whatever came after `after`; what arrives twice is settled below. A full page back means
// there may be more: ask again after the last message of that page. The walk keeps its own cursor:
// live messages arriving meanwhile are newer than what it has still to fetch, so "the newest shown"
// would skip what lies between.
/** @param {number} after */
function catchUp(after) {
  const list = liveList();
  if (!list || list.hasAttribute("data-behind")) return;
  const path = `/rooms/${list.dataset.room}/messages?after=${after}`;
  /** @type {number[]} */
  let page = [];
  const pattern = new RegExp(`<li id="${dom.prefix.message}(\\d+)"`, "g");
  /** @param {Event} event */
  const read = (event) => {
    const { requestConfig, serverResponse = "" } = /** @type {HtmxEvent} */ (event).detail;
    if (requestConfig?.path !== path) return;
    page = [...serverResponse.matchAll(pattern)].map((m) => Number(m[1]));
  };
  document.addEventListener("htmx:beforeSwap", read);
  void htmx.ajax("GET", path, { target: at(dom.id.messages), swap: "beforeend" }).finally(() => {
    document.removeEventListener("htmx:beforeSwap", read);
    if (page.length >= dom.size.historyPage) catchUp(Math.max(...page));
  });
}

// A message that arrives twice (a push racing a catch-up) is shown once, and messages stay in order.
function settleLists() {
  const seen = new Set();
  for (const li of document.querySelectorAll(`${at(dom.id.history)} > li[id], ${at(dom.id.messages)} > li[id]`)) {
    if (seen.has(li.id)) li.remove();
    else seen.add(li.id);
  }
  const list = liveList();
  if (!list) return;
  let last = 0;
  for (const li of [...list.querySelectorAll(":scope > li.message")]) {
    const id = messageId(li);
    if (id < last) {
      const after = [...list.querySelectorAll(":scope > li.message")].find((other) => messageId(other) > id);
      if (after) list.insertBefore(li, after);
    }
    last = Math.max(last, id);
  }
}

// Keep the page light: beyond a few hundred messages the far end goes, and comes back through a
// loader like any other page of history: the server's own (partials/history-edge, in /js/dom.js).
/** @param {"older" | "newer"} edge @param {string} room @param {number} id */
function loaderFor(edge, room, id) {
  const template = document.createElement("template");
  template.innerHTML = dom.loaders[edge].replaceAll(dom.slot.room, room).replaceAll(dom.slot.message, String(id));
  return template.content.firstElementChild;
}

/** Runs `change` and scrolls by however much it moved `anchor`, so that the reader sees no jump. @param {Element} anchor @param {() => void} change */
function keepPlace(anchor, change) {
  const top = anchor.getBoundingClientRect().top;
  change();
  const box = scroller();
  if (box && anchor.isConnected) box.scrollTop += anchor.getBoundingClientRect().top - top;
}

/** Drops the oldest messages (after live ones arrive, or after newer pages): "Older messages" brings them back. */
function trimOldest() {
  const messages = shownMessages();
  const history = historyList();
  const list = liveList();
  if (messages.length <= TRIM_ABOVE || !history || !list) return;
  const keepFrom = /** @type {HTMLElement} */ (messages[messages.length - TRIM_TO]);
  keepPlace(/** @type {HTMLElement} */ (messages.at(-1)), () => {
    for (const li of [...history.children, ...list.children]) {
      if (li === keepFrom) break;
      li.remove();
    }
    const loader = loaderFor("older", list.dataset.room ?? "", messageId(keepFrom));
    if (!loader) return;
    (document.getElementById(dom.id.historyOlder) ?? document.getElementById(dom.id.historyStart))?.replaceWith(loader);
    htmx.process(loader);
  });
}

/** Drops the newest messages when the reader is far up in history: "Newer messages" brings them back. */
function trimNewest() {
  const messages = shownMessages();
  const history = historyList();
  const list = liveList();
  if (messages.length <= TRIM_ABOVE || !history || !list) return;
  const lastKept = /** @type {HTMLElement} */ (messages[TRIM_TO - 1]);
  keepPlace(/** @type {HTMLElement} */ (messages[0]), () => {
    for (const li of messages.slice(TRIM_TO)) li.remove();
    // What stays of the live list joins the history, above where newer pages will arrive.
    for (const li of [...list.children]) {
      if (li.classList.contains("message")) history.append(li);
      else li.remove();
    }
    list.setAttribute("data-behind", "");
    const loader = loaderFor("newer", list.dataset.room ?? "", messageId(lastKept));
    if (!loader) return;
    const existing = document.getElementById(dom.id.historyNewer);
    if (existing) existing.replaceWith(loader);
    else history.after(loader);
    htmx.process(loader);
  });
}

let unseenNewer = 0;
function showJumpToNewest() {
  const button = document.getElementById(dom.id.jumpNewest);
  if (!button) return;
  button.hidden = unseenNewer === 0;
  button.textContent = `Jump to newest (${unseenNewer} new)`;
}

/** @type {{ element: Element, top: number } | null} */
let historyAnchor = null;

// A loader takes focus by keyboard (Tab, or an arrow key past the end of the list), which brings it
// on screen and so loads its page; the page replaces it, and focus would fall to <body>.
/** The loader that had focus as its page came, and the messages shown before. @type {{ edge: "older" | "newer", shown: Set<string> } | null} */
let loaderFocused = null;

/** Focus goes to the new message nearest to where the reader was: the newest of a page above, the oldest of one below. */
function focusLoaded() {
  if (!loaderFocused) return;
  const { edge, shown } = loaderFocused;
  loaderFocused = null;
  const fresh = shownMessages().filter((li) => !shown.has(li.id));
  const next = edge === "older" ? fresh.at(-1) : fresh[0];
  if (next) return void focusMessage(next);
  // Nothing new came: the loader that replaced it, else the list.
  const loader = document.getElementById(edge === "older" ? dom.id.historyOlder : dom.id.historyNewer);
  const link = /** @type {HTMLElement | null | undefined} */ (loader?.querySelector("a[href]"));
  if (link) return void link.focus();
  const message = currentMessage();
  if (message) focusMessage(message);
}

export function listen() {
  // While the page shows an older stretch, live messages are left out: "Newer messages" brings them.
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const detail = /** @type {HtmxEvent} */ (event).detail;
    if (detail.target?.id === dom.id.messages && detail.target.hasAttribute("data-behind")) detail.shouldSwap = false;
  });
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const list = liveList();
    if (!list || /** @type {HtmxEvent} */ (event).detail.target !== list) return;
    settleLists();
    if (distanceFromNewest() < 200) trimOldest();
    // Far up in history: say that new messages came instead of pulling the view down.
    if (distanceFromNewest() > 400) {
      unseenNewer += 1;
      showJumpToNewest();
    }
  });
  // A page of history arriving above or below keeps what the reader is looking at where it is.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = /** @type {HtmxEvent} */ (event).detail;
    if (detail.target?.id !== dom.id.history) return;
    const first = document.querySelector(shownSelector());
    historyAnchor = first ? { element: first, top: first.getBoundingClientRect().top } : null;
    const loader = detail.requestConfig?.elt;
    loaderFocused = loader?.contains(document.activeElement)
      ? { edge: loader.id === dom.id.historyNewer ? "newer" : "older", shown: new Set(shownMessages().map((li) => li.id)) }
      : null;
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = liveList();
    if (!list) return;
    const detail = /** @type {HtmxEvent} */ (event).detail;
    if (historyAnchor && detail.target?.id === dom.id.history && historyAnchor.element.isConnected) {
      const moved = historyAnchor.element.getBoundingClientRect().top - historyAnchor.top;
      const box = scroller();
      if (moved !== 0 && box) box.scrollTop += moved;
    }
    historyAnchor = null;
    settleLists();
    // A page of history arrived: if that makes too many, the other end goes.
    const loader = detail.elt?.id;
    if (loader === dom.id.historyOlder) trimNewest();
    if (loader === dom.id.historyNewer) trimOldest();
    // The last page of "Newer messages" has arrived: live messages may come in again, after a catch-up
    // for anything that was posted while they were left out.
    if (list.hasAttribute("data-behind") && !document.getElementById(dom.id.historyNewer)) {
      list.removeAttribute("data-behind");
      catchUp(newestShown());
    }
    if (detail.target?.id === dom.id.history) focusLoaded();
  });
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || event.target.id !== dom.id.jumpNewest) return;
    const list = liveList();
    if (list?.hasAttribute("data-behind")) return void (window.location.href = `/rooms/${list.dataset.room}`);
    scroller()?.scrollTo({ top: 0 });
    unseenNewer = 0;
    showJumpToNewest();
    /** @type {HTMLElement | null | undefined} */ (list?.lastElementChild)?.focus?.();
  });
  document.addEventListener(
    "scroll",
    (event) => {
      if (!(event.target instanceof Element) || event.target.id !== dom.id.scroller || distanceFromNewest() > 50) return;
      unseenNewer = 0;
      showJumpToNewest();
    },
    true,
  );
  // A permalink opens the room at its message: shown in the middle, and focused for screen readers.
  document.addEventListener("DOMContentLoaded", () => {
    const target = /** @type {HTMLElement | null} */ (document.querySelector("li.message.is-target"));
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });
}
