// @ts-check
// A message's React control opens its choices. Without script every emoji is a Tab stop; with it
// they are one: the arrow keys (and Home, End) move between them, Escape closes the control and
// returns to it, and once a reaction is sent it closes the same way.
const CHOICES = "[data-reaction-choices]";

/** @param {Element} group */
function buttonsOf(group) {
  return /** @type {HTMLButtonElement[]} */ ([...group.querySelectorAll("button")]);
}

/** Makes `current` the group's one Tab stop. @param {Element} group @param {HTMLButtonElement} current */
function rove(group, current) {
  for (const button of buttonsOf(group)) button.tabIndex = button === current ? 0 : -1;
}

/** @param {Element} control the React control's <details> */
function close(control) {
  control.removeAttribute("open");
  /** @type {HTMLElement | null} */ (control.querySelector("summary"))?.focus();
}

/**
 * Once a reaction is sent, a refusal shown before it goes: its message, the field's invalid state,
 * and the refused words, which came back as the field's own value (what a reset would restore).
 * @param {Element} control
 */
function forgetRefusal(control) {
  for (const error of control.querySelectorAll(".field-error")) {
    for (const field of control.querySelectorAll(`[aria-describedby~="${error.id}"]`)) {
      const rest = (field.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== error.id);
      field.setAttribute("aria-describedby", rest.join(" "));
    }
    error.remove();
  }
  for (const field of control.querySelectorAll("input[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    field.removeAttribute("autofocus");
    /** @type {HTMLInputElement} */ (field).defaultValue = "";
  }
}

/**
 * Where a key leads from choice `at` of `count`, in rows of `columns`; null: nowhere.
 * @param {string} key @param {number} at @param {number} count @param {number} columns
 */
function step(key, at, count, columns) {
  const moves = /** @type {Record<string, number>} */ ({ ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns });
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  if (!(key in moves)) return null;
  return Math.min(count - 1, Math.max(0, at + /** @type {number} */ (moves[key])));
}

/** @param {ParentNode} root */
export function enhance(root) {
  for (const group of root.querySelectorAll?.(CHOICES) ?? []) {
    const [first] = buttonsOf(group);
    if (!first) continue;
    rove(group, first);
    // Opened from its summary (a key or a click), the choices take the focus once they arrive.
    const control = group.closest("details");
    if (control && document.activeElement === control.querySelector("summary")) first.focus();
  }
}

export function listen() {
  // A reactor's answer and a push of someone's later reaction can arrive in either order: the
  // reactions with the older change number give way (data-change, partials/reactions).
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const detail = /** @type {HtmxEvent} */ (event).detail;
    const current = detail.target;
    const arriving = detail.fragment?.firstElementChild;
    if (!current?.matches(".reactions[data-change]") || !arriving?.hasAttribute("data-change")) return;
    if (Number(arriving.getAttribute("data-change")) < Number(current.getAttribute("data-change"))) detail.shouldSwap = false;
  });
  // Captured, so that its Escape is handled before the toolbar's (message-actions.js) would close the toolbar.
  document.addEventListener(
    "keydown",
    (event) => {
      const target = /** @type {Element} */ (event.target);
      const control = target.closest?.("details.reaction-picker[open]");
      if (!control) return;
      if (event.key === "Escape") {
        // The toolbar's own Escape waits for the next press.
        event.stopPropagation();
        close(control);
        return;
      }
      const group = target.closest(CHOICES);
      if (!group || !(target instanceof HTMLButtonElement)) return;
      const buttons = buttonsOf(group);
      const columns = getComputedStyle(group).gridTemplateColumns.split(" ").length;
      const next = step(event.key, buttons.indexOf(target), buttons.length, columns);
      if (next === null) return;
      event.preventDefault();
      const button = /** @type {HTMLButtonElement} */ (buttons[next]);
      rove(group, button);
      button.focus();
    },
    true,
  );
  // Opened again (its choices already here, so `enhance` does not run), the choices take the focus
  // as they did the first time: the one that was last the Tab stop. `toggle` does not bubble.
  document.addEventListener(
    "toggle",
    (event) => {
      const control = event.target;
      if (!(control instanceof HTMLDetailsElement) || !control.open || !control.matches(".reaction-picker")) return;
      const group = control.querySelector(CHOICES);
      if (!group || document.activeElement !== control.querySelector("summary")) return;
      const buttons = buttonsOf(group);
      (buttons.find((button) => button.tabIndex === 0) ?? buttons[0])?.focus();
    },
    true,
  );
  document.addEventListener("htmx:afterRequest", (event) => {
    const { elt, xhr } = /** @type {HtmxEvent} */ (event).detail;
    // A reaction sent from its forms (not the choices loading, nor a refusal, which shows in place).
    const control = elt instanceof HTMLFormElement ? elt.closest("details.reaction-picker") : null;
    if (!control || xhr?.status !== 200) return;
    forgetRefusal(control);
    for (const form of control.querySelectorAll("form")) form.reset();
    close(control);
  });
}
