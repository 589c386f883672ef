// @ts-check
// The phone panels: the sidebar below md, the member list below lg. Each opens as the :target of
// its fragment link and closes by its "Close" link (to #main), with or without script (the
// "Phones" rules in styles.css). With script a panel is a drawer: its opener says whether it is
// open (aria-expanded), focus moves into it as it opens and back to the opener as it closes,
// Escape closes it, and what it covers is inert meanwhile, so that Tab cannot wander behind it.
import { at, dom } from "./contract.js";
import { canFocus, firstTabbable } from "./focus.js";

const PANELS = [dom.id.sidebar, dom.id.members];

/** The link that opens a panel: the one outside it that points at it. @param {string} id */
const openerOf = (id) =>
  /** @type {HTMLElement | undefined} */ ([...document.querySelectorAll(`a[href="${at(id)}"]`)].find((link) => !link.closest(at(id))));

/** Open, and over the page: on wider screens the panel is part of the page, and is left alone. @param {HTMLElement | null} panel */
const covering = (panel) => !!panel && panel.matches(":target") && getComputedStyle(panel).position === "fixed";

/** The panel open over the page, if any. @type {string | null} */
let open = null;
/** @type {HTMLElement[]} */
let madeInert = [];

/** Everything beside the panel and beside each of its ancestors. @param {HTMLElement} panel */
function inertAround(panel) {
  for (let element = panel; element.parentElement && element !== document.body; element = element.parentElement) {
    for (const sibling of element.parentElement.children) {
      if (sibling === element || !(sibling instanceof HTMLElement) || sibling.inert) continue;
      sibling.inert = true;
      madeInert.push(sibling);
    }
  }
}

function releaseInert() {
  for (const element of madeInert) element.inert = false;
  madeInert = [];
}

function sync() {
  let now = null;
  for (const id of PANELS) {
    const panel = document.getElementById(id);
    const opener = openerOf(id);
    if (!panel || !opener) continue;
    opener.setAttribute("aria-controls", id);
    opener.setAttribute("aria-expanded", String(panel.matches(":target")));
    if (covering(panel)) now = id;
  }
  if (now === open) return;
  const closed = open === null ? null : document.getElementById(open);
  open = now;
  releaseInert();
  if (closed) {
    // Back where the reader was, unless focus has already gone somewhere of its own.
    const focused = document.activeElement;
    const opener = openerOf(closed.id);
    const adrift = !focused || focused === document.body || focused.id === dom.id.main || closed.contains(focused);
    if (adrift && canFocus(opener)) opener?.focus();
  }
  const panel = now === null ? null : document.getElementById(now);
  if (panel) {
    inertAround(panel);
    (firstTabbable(panel) ?? panel).focus();
  }
}

export function listen() {
  document.addEventListener("DOMContentLoaded", sync);
  window.addEventListener("hashchange", sync);
  // Turning a phone on its side can make an open panel part of the page, or the other way round.
  window.addEventListener("resize", sync);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || open === null || event.defaultPrevented) return;
    event.preventDefault();
    // As its "Close" link does: the page's main part becomes the target instead.
    window.location.hash = at(dom.id.main);
  });
}
