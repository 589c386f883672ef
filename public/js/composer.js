// @ts-check
// The composer: Enter sends, Shift+Enter makes a new line (only promised when this script runs); an
// accepted message empties it and keeps focus; a failed send keeps the text and says why. A reply's
// quote comes and goes in its slot alone, so what is typed stays.
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

/** The composer's reply slot and text box, if `form` has them. @param {Element | null | undefined} form */
function replyParts(form) {
  const slot = form?.querySelector(at(dom.id.composerReply));
  const field = form?.querySelector("textarea");
  return slot && field ? { slot, field } : null;
}

/** Whether `form`'s message is a reply. @param {Element | null | undefined} form */
function replying(form) {
  return (replyParts(form)?.slot.childElementCount ?? 0) > 0;
}

/** Empties the reply slot: the message is no longer a reply. @param {Element | null | undefined} form */
function cancelReply(form) {
  const parts = replyParts(form);
  if (!parts) return;
  parts.slot.replaceChildren();
  describedBy(parts.field, dom.id.composerReplyQuote, false);
}

/** "Cancel reply" is a link to the room without script; here it acts in place, so it is a button. @param {ParentNode} root */
export function enhanceReply(root) {
  for (const link of root.querySelectorAll?.("[data-cancel-reply]:not([role])") ?? []) link.setAttribute("role", "button");
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
  document.addEventListener("click", (event) => {
    const cancel = /** @type {Element} */ (event.target).closest?.("[data-cancel-reply]");
    if (!cancel) return;
    event.preventDefault();
    const form = cancel.closest("form");
    cancelReply(form);
    form?.querySelector("textarea")?.focus();
  });

  document.addEventListener("keydown", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    // A link made a button: Space presses it, as it would a button.
    if (event.key === " " && target.matches?.("[data-cancel-reply]")) {
      event.preventDefault();
      target.click();
    }
    // Escape in the text box of a reply makes it a message of its own again; the text stays.
    if (event.key === "Escape" && target instanceof HTMLTextAreaElement && replying(target.form)) {
      event.preventDefault();
      cancelReply(target.form);
    }
  });

  // "Reply" swapped a quote into the slot: the text box, now described by it, is where to write.
  document.addEventListener("htmx:afterSwap", (event) => {
    const { target } = /** @type {HtmxEvent} */ (event).detail;
    if (!(target instanceof Element) || target.id !== dom.id.composerReply) return;
    const form = document.querySelector(at(dom.id.composer));
    const field = form?.querySelector("textarea");
    if (!field) return;
    describedBy(field, dom.id.composerReplyQuote, replying(form));
    field.focus();
  });

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
    // 204, or a 200 with a notice for the sender (people it named who are not here): sent either way.
    if (!form || !successful || (xhr?.status !== 204 && xhr?.getResponseHeader("Parley-Composer") !== "sent")) return;
    form.querySelector(at(dom.id.composerError))?.remove();
    const field = form.querySelector("textarea");
    if (!field) return;
    // Not form.reset(): after an error the server's composer carries the rejected text as its default.
    field.value = "";
    field.removeAttribute("aria-invalid");
    describedBy(field, dom.id.composerError, false);
    setFiles(form, []);
    cancelReply(form);
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

  // What the last send had to say is old news once the next one starts.
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (composerOf(event)) document.getElementById(dom.id.composerNotice)?.replaceChildren();
  });
  document.addEventListener("htmx:sendError", showSendError);
}
