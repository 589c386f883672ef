// @ts-check
// Delete asks first. With script the question (partials/delete-dialog) comes as a modal dialog,
// which opens with focus on Cancel; Cancel or Escape closes it and goes back to Delete. Once the
// message is deleted, focus goes to what is left of it (its tombstone), not to <body>; if it
// could not be, the dialog stays and says so.
import { dom } from "./contract.js";

/** @param {HTMLDialogElement} dialog */
const messageOf = (dialog) => document.getElementById(dialog.dataset.message ?? "");

/** @param {HTMLElement | null | undefined} element */
function focusOn(element) {
  if (!element) return;
  if (element.matches("li.message") && !element.hasAttribute("tabindex")) element.tabIndex = -1;
  element.focus();
}

/** @param {HTMLDialogElement} dialog */
function open(dialog) {
  // One question at a time: an earlier one still here (a second click) gives way.
  for (const other of document.querySelectorAll(`dialog#${dom.id.deleteDialog}`)) if (other !== dialog) other.remove();
  dialog.addEventListener("close", () => {
    const message = messageOf(dialog);
    dialog.remove();
    const lost = !document.activeElement || document.activeElement === document.body;
    if (dialog.returnValue === "deleted") focusOn(message);
    else if (lost) focusOn(message?.querySelector("a[data-delete]") ?? message);
  });
  dialog.showModal();
}

export function listen() {
  document.addEventListener("htmx:load", (event) => {
    const { elt } = /** @type {HtmxEvent} */ (event).detail;
    if (elt instanceof HTMLDialogElement && elt.id === dom.id.deleteDialog) open(elt);
  });
  document.addEventListener("click", (event) => {
    const cancel = /** @type {Element} */ (event.target).closest?.("[data-delete-cancel]");
    cancel?.closest("dialog")?.close("cancelled");
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const { elt, successful } = /** @type {HtmxEvent} */ (event).detail;
    if (!elt?.matches?.("form[data-delete-form]")) return;
    const dialog = elt.closest("dialog");
    if (successful) dialog?.close("deleted");
    else dialog?.querySelector("[data-delete-failed]")?.removeAttribute("hidden");
  });
}
