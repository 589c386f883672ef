// @ts-check
// "@" in the composer: while the caret follows "@" and the start of a name, the room's members are
// offered in the listbox above the text box (the server renders the options; htmx fetches them).
// The text box stays a plain textarea (a textarea may not take role="combobox"): aria-autocomplete
// and aria-controls say a list comes, aria-activedescendant names the active option, and the status
// line says how many there are and what was inserted. ArrowDown/ArrowUp move, Enter or Tab picks
// the active option, Escape closes, a click or tap picks. Everything is looked up at the moment of
// use and listened for on the document, so a composer swapped in by htmx works the same.
import { at, dom } from "./contract.js";

const DEBOUNCE_MS = 120;

/** The text box, its listbox and its status line, when the page has a composer. */
function parts() {
  const field = document.getElementById(dom.id.composerBody);
  const list = document.getElementById(dom.id.mentionSuggestions);
  const status = document.getElementById(dom.id.mentionStatus);
  if (!(field instanceof HTMLTextAreaElement) || !list || !status) return null;
  return { field, list, status };
}

/**
 * The mention being typed: "@" at the start of the text or after whitespace, then up to the caret
 * no space or "@". Its place in the text is from `start` (the "@") to the end of the word.
 * @param {HTMLTextAreaElement} field
 */
function mentionAt(field) {
  if (field.selectionStart !== field.selectionEnd) return null;
  const before = field.value.slice(0, field.selectionStart);
  const match = /(?:^|\s)@([^\s@]*)$/.exec(before);
  if (!match || match[1].length > dom.size.mentionQuery) return null;
  const rest = /^[^\s@]*/.exec(field.value.slice(field.selectionStart))?.[0] ?? "";
  return { query: match[1], start: before.length - match[1].length - 1, end: field.selectionStart + rest.length };
}

/** What was last asked for; null once the list is closed, so that a late answer opens nothing. @type {string | null} */
let asked = null;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
/** Where the mention that Escape closed starts: moving the caret about in it does not reopen it, typing does. @type {number | null} */
let dismissed = null;

/** @param {HTMLElement} list */
const optionsOf = (list) => /** @type {HTMLElement[]} */ ([...list.querySelectorAll('[role="option"]')]);
/** @param {HTMLElement} list */
const activeOf = (list) => /** @type {HTMLElement | null} */ (list.querySelector('[role="option"][aria-selected="true"]'));

/** @type {ReturnType<typeof setTimeout> | undefined} */
let saying;
/** Says `text` once, in place of anything still waiting to be said. @param {HTMLElement} status @param {string} text */
function say(status, text) {
  // The same words again (a second pick of the same person) are still a change to announce.
  clearTimeout(saying);
  status.textContent = "";
  saying = setTimeout(() => (status.textContent = text), 50);
}

function close() {
  clearTimeout(timer);
  asked = null;
  const p = parts();
  if (!p) return;
  p.list.hidden = true;
  p.list.replaceChildren();
  delete p.list.dataset.count;
  p.field.removeAttribute("aria-activedescendant");
}

/** Asks for the options of what is typed now, or closes the list when no mention is. @param {boolean} typed */
function refresh(typed) {
  const p = parts();
  const mention = p && mentionAt(p.field);
  if (typed) dismissed = null;
  if (!p || !mention) return close();
  if (mention.query === asked || mention.start === dismissed) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    asked = mention.query;
    const source = p.list.dataset.source;
    if (source) void htmx.ajax("GET", `${source}?q=${encodeURIComponent(mention.query)}`, { target: at(p.list.id), swap: "innerHTML" });
  }, DEBOUNCE_MS);
}

/** The options arrived (htmx swapped them in): open, or close when there are none. */
function opened() {
  const p = parts();
  // Typed on meanwhile, or closed: htmx queues the newest request, whose answer settles last.
  if (!p || asked === null || mentionAt(p.field)?.query !== asked) return;
  const count = optionsOf(p.list).length;
  if (count === 0) {
    if (!p.list.hidden) say(p.status, "No suggestions");
    return close();
  }
  p.field.removeAttribute("aria-activedescendant");
  const wasHidden = p.list.hidden;
  p.list.hidden = false;
  if (wasHidden || p.list.dataset.count !== String(count)) say(p.status, `${count} suggestion${count === 1 ? "" : "s"}`);
  p.list.dataset.count = String(count);
}

/** Makes `option` the active one (none: no active option). @param {HTMLElement | null} option */
function activate(option) {
  const p = parts();
  if (!p) return;
  for (const each of optionsOf(p.list)) each.setAttribute("aria-selected", String(each === option));
  if (option) {
    p.field.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  } else p.field.removeAttribute("aria-activedescendant");
}

/** Replaces the mention being typed with `@username ` and keeps the caret after it. @param {HTMLElement} option */
function pick(option) {
  const p = parts();
  const mention = p && mentionAt(p.field);
  const username = option.dataset.username;
  if (!p || !mention || !username) return close();
  const name = option.querySelector(".mention-name")?.textContent ?? username;
  const following = p.field.value.slice(mention.end);
  // One space after it, not two when the text already goes on with one.
  const end = following.startsWith(" ") ? mention.end + 1 : mention.end;
  p.field.setRangeText(`@${username} `, mention.start, end, "end");
  close();
  p.field.focus();
  // As typing would: the text box grows, the typing signal goes.
  p.field.dispatchEvent(new Event("input", { bubbles: true }));
  say(p.status, `${name} (@${username}) inserted`);
}

/** The list's keys, before the composer's own (Enter sends, Escape cancels a reply). @param {KeyboardEvent} event */
function onKey(event) {
  const p = parts();
  if (!p || event.target !== p.field || p.list.hidden || event.isComposing) return;
  const options = optionsOf(p.list);
  const active = activeOf(p.list);
  const index = active ? options.indexOf(active) : -1;
  /** @param {() => void} act */
  const handle = (act) => {
    event.preventDefault();
    event.stopImmediatePropagation();
    act();
  };
  if (event.key === "ArrowDown") handle(() => activate(options[(index + 1) % options.length] ?? null));
  else if (event.key === "ArrowUp") handle(() => activate(options[index <= 0 ? options.length - 1 : index - 1] ?? null));
  else if (event.key === "Escape")
    handle(() => {
      dismissed = mentionAt(p.field)?.start ?? null;
      close();
    });
  else if ((event.key === "Enter" || event.key === "Tab") && active && !event.shiftKey) handle(() => pick(active));
  // Enter with no option chosen sends, as it always does; the list goes with the text.
  else if (event.key === "Enter") close();
}

export function listen() {
  // Capture: the list's keys are decided before any other listener's (composer.js, panels.js).
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("input", (event) => {
    if (/** @type {Element} */ (event.target).id === dom.id.composerBody) refresh(true);
  });
  // The caret moved without typing (arrows along the text, a click into it).
  document.addEventListener("keyup", (event) => {
    if (/** @type {Element} */ (event.target).id === dom.id.composerBody && /^(Arrow(Left|Right)|Home|End)$/.test(event.key))
      refresh(false);
  });
  document.addEventListener("click", (event) => {
    const target = /** @type {Element} */ (event.target);
    const option = /** @type {HTMLElement | null} */ (target.closest?.(`${at(dom.id.mentionSuggestions)} [role="option"]`));
    if (option) pick(option);
    else if (target.id === dom.id.composerBody) refresh(false);
  });
  // Pressing an option must not take focus from the text box (the caret's place is the mention's).
  for (const press of ["pointerdown", "mousedown"]) {
    document.addEventListener(press, (event) => {
      if (/** @type {Element} */ (event.target).closest?.(at(dom.id.mentionSuggestions))) event.preventDefault();
    });
  }
  document.addEventListener("focusout", (event) => {
    if (/** @type {Element} */ (event.target).id === dom.id.composerBody) close();
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const { target } = /** @type {HtmxEvent} */ (event).detail;
    if (target instanceof Element && target.id === dom.id.mentionSuggestions) opened();
  });
}

/** Tells assistive technology that the composer's text box offers a list. @param {ParentNode} root */
export function enhance(root) {
  const field = root.querySelector?.(at(dom.id.composerBody));
  if (!field || !document.getElementById(dom.id.mentionSuggestions)) return;
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-controls", dom.id.mentionSuggestions);
}
