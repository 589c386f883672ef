// @ts-check
// "Copy link" is a link to the message's own page; where the page may write to the clipboard, it
// copies that address instead of following it, and says so where it was pressed and aloud.
const SHOWN_MS = 2000;

/** The one status line that says a link was copied (polite, read once). */
function status() {
  let line = document.getElementById("copy-link-status");
  if (!line) {
    line = document.createElement("p");
    line.id = "copy-link-status";
    line.setAttribute("role", "status");
    line.className = "sr-only";
    document.body.append(line);
  }
  return line;
}

export function listen() {
  document.addEventListener("click", (event) => {
    const link = /** @type {Element} */ (event.target).closest?.("a[data-copy-link]");
    if (!(link instanceof HTMLAnchorElement) || !navigator.clipboard?.writeText) return;
    event.preventDefault();
    const label = link.textContent;
    navigator.clipboard.writeText(link.href).then(
      () => {
        link.textContent = "Link copied";
        status().textContent = "Link copied.";
        setTimeout(() => (link.textContent = label), SHOWN_MS);
      },
      // Refused (no permission): the link does what it does without script.
      () => window.location.assign(link.href),
    );
  });
}
