// @ts-check
// The composer: Enter sends, Shift+Enter makes a new line (only promised when this script runs); an
// accepted message empties it and keeps focus; a failed send keeps the text and says why.
import { chosenFiles, encodeFor, setFiles } from "./attachments.js";
import { at, dom } from "./contract.js";
import { composerOf, describedBy, showComposerError } from "./form.js";

/** Reveals the Enter hint in a composer that `root` holds. @param {ParentNode} root */
export function enhanceComposer(root) {
  const hint = /** @type {HTMLElement | null} */ (root.querySelector?.(at(dom.id.composerHint)));
  const field = /** @type {HTMLTextAreaElement | null} */ (root.querySelector?.(at(dom.id.composerBody)));
  if (!hint || !field) return;
  hint.hidden = false;
  // The form's one description field is for pages without script; here each file gets its own.
  field.form?.querySelector(".composer-describe")?.remove();
  describedBy(field, dom.id.composerHint, true);
  if (field.form) encodeFor(field.form, chosenFiles(field.form).length > 0);
}

/** @type {Record<number, string>} */
const sendFailures = {
  403: "This page has expired. Reload it and try again.",
  404: "This room is no longer available to you.",
  413: "This message is too large to send.",
  429: "You are sending messages too fast. Wait a moment and try again.",
  503: "Parley cannot reach its database right now. Wait a moment and try again.",
};

/** @param {Event} event */
function showSendError(event) {
  const form = composerOf(event);
  const field = form?.querySelector("textarea");
  if (!form || !field) return;
  const status = /** @type {HtmxEvent} */ (event).detail.xhr?.status ?? 0;
  showComposerError(form, sendFailures[status] || "Your message could not be sent. Check your connection and try again.");
  field.setAttribute("aria-invalid", "true");
  field.focus();
}

export function listen() {
  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.hasAttribute("data-enter-sends")) return;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (field.value.trim() !== "") field.form?.requestSubmit();
  });

  // After a message is accepted it comes back over the WebSocket; the composer is emptied and keeps focus.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = composerOf(event);
    const { successful, xhr } = /** @type {HtmxEvent} */ (event).detail;
    if (!form || !successful || xhr?.status !== 204) return;
    form.querySelector(at(dom.id.composerError))?.remove();
    const field = form.querySelector("textarea");
    if (!field) return;
    // Not form.reset(): after an error the server's composer carries the rejected text as its default.
    field.value = "";
    field.removeAttribute("aria-invalid");
    describedBy(field, dom.id.composerError, false);
    setFiles(form, []);
    field.focus();
  });

  // Each composed message carries a client id, so that sending it again (after an answer that never
  // came) stores it once. Once a send is accepted, the server names the id of the next message.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = composerOf(event);
    const { successful, xhr } = /** @type {HtmxEvent} */ (event).detail;
    const next = form && successful && xhr?.getResponseHeader("Parley-Next-Client-Id");
    const clientId = form?.elements.namedItem("clientId");
    if (next && clientId instanceof HTMLInputElement) clientId.value = next;
  });

  // A refused upload (too large, not an image or video) answers 413 or 415 with the composer and the
  // server's reason for that file: swapped in like a 422, not treated as a failure to send.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = /** @type {HtmxEvent} */ (event).detail;
    if (!composerOf(event) || detail.xhr?.getResponseHeader("Parley-Composer") !== "refused") return;
    detail.shouldSwap = true;
    detail.isError = false;
  });

  document.addEventListener("htmx:responseError", showSendError);
  document.addEventListener("htmx:sendError", showSendError);
}
