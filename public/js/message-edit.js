// @ts-check
// Editing in place: Escape in the editor cancels, Up arrow in an empty composer edits your newest
// message (only your messages have an Edit action), and once the editor is gone, saved or
// cancelled, focus goes back to its message rather than to <body>. Enter saves as it sends in the
// composer (composer.js, `data-enter-sends`).
import { composerForm } from "./form.js";

/** @param {Element | null | undefined} node */
const messageOf = (node) => /** @type {HTMLElement | null | undefined} */ (node?.closest("li.message"));

/** @param {HTMLElement} message */
function focusMessage(message) {
  if (!message.hasAttribute("tabindex")) message.tabIndex = -1;
  message.focus();
}

export function listen() {
  document.addEventListener("keydown", (event) => {
    const field = /** @type {Element} */ (event.target);
    if (event.key === "Escape" && field.closest?.("form[data-editor]")) {
      event.preventDefault();
      /** @type {HTMLElement | null} */ (field.closest("form")?.querySelector("[data-editor-cancel]") ?? null)?.click();
      return;
    }
    if (event.key !== "ArrowUp" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!(field instanceof HTMLTextAreaElement) || field.form !== composerForm() || field.value !== "") return;
    const edits = document.querySelectorAll("li.message a[data-edit]");
    const newest = /** @type {HTMLElement | undefined} */ (edits[edits.length - 1]);
    if (!newest) return;
    event.preventDefault();
    newest.click();
  });

  // The editor's request (save or cancel) answered with the message's content, which takes its place.
  /** @type {string | null} */
  let returning = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const { requestConfig, xhr } = /** @type {HtmxEvent} */ (event).detail;
    const editor = requestConfig?.elt?.closest("form[data-editor]");
    if (editor && xhr?.status === 200) returning = messageOf(editor)?.id ?? null;
  });
  document.addEventListener("htmx:afterSwap", () => {
    const message = returning && document.getElementById(returning);
    returning = null;
    if (message) focusMessage(message);
  });
}
