// @ts-check
// On touch screens (which cannot hover) a message's toolbar waits behind "More actions": a link to
// the message's own page without script, a button that opens the toolbar in place with it
// (styles.css shows it while the message has `is-open`). One message's toolbar is open at a time.
const OPEN = "is-open";

/** @param {Element} button @param {boolean} open */
function setOpen(button, open) {
  button.setAttribute("aria-expanded", String(open));
  button.closest("li.message")?.classList.toggle(OPEN, open);
}

function openButtons() {
  return document.querySelectorAll('.message-more[aria-expanded="true"]');
}

/** @param {ParentNode} root */
export function enhance(root) {
  for (const link of root.querySelectorAll?.('.message-more:not([role="button"])') ?? []) {
    link.setAttribute("role", "button");
    link.setAttribute("aria-expanded", "false");
  }
}

export function listen() {
  document.addEventListener("click", (event) => {
    const button = /** @type {Element} */ (event.target).closest?.(".message-more");
    if (!button) return;
    event.preventDefault();
    const open = button.getAttribute("aria-expanded") !== "true";
    for (const other of openButtons()) if (other !== button) setOpen(other, false);
    setOpen(button, open);
  });
  document.addEventListener("keydown", (event) => {
    // A link made a button: Space presses it, as it would a button.
    if (event.key === " " && /** @type {Element} */ (event.target).matches?.(".message-more")) {
      event.preventDefault();
      /** @type {HTMLElement} */ (event.target).click();
      return;
    }
    if (event.key !== "Escape") return;
    const active = document.activeElement;
    const message = active?.closest("li.message.is-open");
    const button = message?.querySelector(".message-more");
    if (!button) return;
    setOpen(button, false);
    /** @type {HTMLElement} */ (button).focus();
  });
}
