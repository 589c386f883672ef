// @ts-check
import { at, dom } from "./contract.js";

/** Adds or removes one id in a field's aria-describedby. @param {Element} field @param {string} id @param {boolean} on */
export function describedBy(field, id, on) {
  const ids = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size) field.setAttribute("aria-describedby", [...ids].join(" "));
  else field.removeAttribute("aria-describedby");
}

/** The composer an htmx event is about, if it is one. @param {Event} event */
export function composerOf(event) {
  const form = /** @type {HtmxEvent} */ (event).detail?.elt;
  return form instanceof HTMLFormElement && form.hasAttribute("data-composer") ? form : null;
}

/** The page's composer, if it has one. */
export function composerForm() {
  return document.querySelector("form[data-composer]");
}

/**
 * Shows `text` as the composer's error, next to the field, as the server's own errors are shown;
 * no text removes it. @param {HTMLFormElement} form @param {string} text
 */
export function showComposerError(form, text) {
  const field = form.querySelector("textarea");
  let error = form.querySelector(at(dom.id.composerError));
  if (!text) {
    error?.remove();
    if (field) describedBy(field, dom.id.composerError, false);
    return;
  }
  if (!error) {
    error = document.createElement("p");
    error.id = dom.id.composerError;
    error.className = "field-error";
    form.append(error);
  }
  error.textContent = text;
  if (field) describedBy(field, dom.id.composerError, true);
}
