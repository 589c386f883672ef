import { linkifyit } from "linkify-it";

// Bare domains ("example.org") are linked too, as people expect from chat.
const linkify = linkifyit({ fuzzyLink: true });
const linkSchemes = new Set(["http:", "https:", "mailto:", ""]);

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);

/**
 * A message's text as the HTML it shows as: rendered once, when it is written, and stored
 * (`messages.body_html`). Nothing in it is the author's markup: every character they typed
 * arrives escaped.
 */
export function renderBody(body: string): string {
  if (body === "") return "";
  let html = "";
  let at = 0;
  for (const match of linkify.match(body) ?? []) {
    if (!linkSchemes.has(match.schema.toLowerCase())) continue;
    html += escapeHtml(body.slice(at, match.index));
    html += `<a href="${escapeHtml(match.url)}" class="link" rel="noopener noreferrer nofollow ugc" target="_blank">${escapeHtml(match.raw)}</a>`;
    at = match.lastIndex;
  }
  html += escapeHtml(body.slice(at));
  return `<p>${html}</p>`;
}
