// @ts-check
// Focus across swaps. When a live update or a loaded page replaces the element that has focus, the
// browser drops focus to <body> and the next Tab starts again from the top of the page. Before a
// swap whose target holds focus, this notes where focus was: by the nearest id (a replacement
// carries the same ids) and its place among that element's controls. Once the swap is done, if
// focus was lost, it goes to the same control in the replacement or, failing that, to the nearest
// element that is still there. (htmx itself only does this for a focused element with an id.)

/** Whatever can take focus; what is hidden or inert is filtered where it matters. */
export const FOCUSABLE = [
  "a[href]",
  "area[href]",
  "button",
  'input:not([type="hidden"])',
  "select",
  "textarea",
  "summary",
  "iframe",
  "audio[controls]",
  "video[controls]",
  '[contenteditable]:not([contenteditable="false"])',
  "[tabindex]",
].join(", ");

/** Whether focus can go to `element` and be seen there: connected, rendered, not inert. @param {Element | null | undefined} element */
export function canFocus(element) {
  return element instanceof HTMLElement && element.isConnected && element.getClientRects().length > 0 && !element.closest("[inert]");
}

/** The first control in `root` that Tab reaches, if any. @param {ParentNode} root @returns {HTMLElement | undefined} */
export function firstTabbable(root) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(FOCUSABLE)]).find((c) => c.tabIndex >= 0 && canFocus(c));
}

/** Where focus was before a swap: the ids of the focused element and its ancestors, nearest first, and its place among the controls of the nearest. @type {{ ids: string[], index: number } | null} */
let lost = null;

const dropped = () => {
  const focused = document.activeElement;
  return !focused || focused === document.body || !focused.isConnected;
};

/** @param {Event} event */
function note(event) {
  const target = /** @type {HtmxEvent} */ (event).detail.target;
  const focused = document.activeElement;
  if (!target || !focused || focused === document.body || !target.contains(focused)) return;
  /** @type {string[]} */
  const ids = [];
  for (let el = /** @type {Element | null} */ (focused); el && el !== document.body; el = el.parentElement) if (el.id) ids.push(el.id);
  const anchor = ids[0] === undefined ? null : document.getElementById(ids[0]);
  if (!anchor) return;
  lost = { ids, index: anchor === focused ? -1 : [...anchor.querySelectorAll(FOCUSABLE)].indexOf(focused) };
}

// After every swap of the batch (several out-of-band swaps can replace and re-add one element: a
// sidebar row is deleted, then inserted at the top), so only when the whole of it is in.
function restore() {
  const place = lost;
  lost = null;
  if (!place || !dropped()) return;
  const [nearest, ...further] = place.ids.map((id) => document.getElementById(id));
  const same = nearest && (place.index < 0 ? nearest : nearest.querySelectorAll(FOCUSABLE)[place.index]);
  if (canFocus(same)) return void (/** @type {HTMLElement} */ (same).focus());
  // Gone: the nearest element still there, if it takes focus itself (as main and the panels do), or its first control.
  for (const element of [nearest, ...further]) {
    if (!element) continue;
    const next = element.matches(FOCUSABLE) && canFocus(element) ? /** @type {HTMLElement} */ (element) : firstTabbable(element);
    if (next) return void next.focus();
  }
}

export function listen() {
  document.addEventListener("htmx:beforeSwap", note);
  document.addEventListener("htmx:oobBeforeSwap", note);
  // A request's swap (with its out-of-band parts) is done by afterSwap, a pushed message's by
  // wsAfterMessage; after the other listeners to them, which may have put focus somewhere on purpose.
  document.addEventListener("htmx:afterSwap", () => queueMicrotask(restore));
  document.addEventListener("htmx:wsAfterMessage", () => queueMicrotask(restore));
}
