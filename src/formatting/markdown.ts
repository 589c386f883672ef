import MarkdownIt from "markdown-it";

/**
 * A message's text as the HTML it shows as: a small, predictable Markdown subset (bold, italic,
 * strike, inline code, fenced code, quotes, lists, links), rendered once when the message is
 * written and stored (`messages.body_html`). markdown-it escapes every character the author typed
 * (`html: false`): nothing in the result is their markup. What chat does not want is switched off:
 * headings (they would break the log's own headings), images (files are attachments), tables,
 * rules, indented code (people indent prose) and reference definitions; those lines read as text.
 */
const md = new MarkdownIt("default", { html: false, linkify: true, breaks: true, typographer: false }).disable([
  "heading",
  "lheading",
  "image",
  "table",
  "hr",
  "code",
  "reference",
  "html_block",
  "html_inline",
]);

// Only addresses a reader can safely follow: the web and mail (markdown-it alone lets other
// schemes through, and some data: images).
const SAFE_LINK = /^(https?:|mailto:)/i;
md.validateLink = (url) => SAFE_LINK.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
md.renderer.rules.link_open = (tokens, i, options, env, self) => {
  const token = tokens[i]!;
  token.attrSet("class", "link");
  token.attrSet("rel", "noopener noreferrer nofollow ugc");
  token.attrSet("target", "_blank");
  return defaultLinkOpen(tokens, i, options, env, self);
};

// A code block scrolls sideways inside itself; keyboard users need to reach it to scroll it.
md.renderer.rules.fence = (tokens, i) => `<pre tabindex="0"><code>${md.utils.escapeHtml(tokens[i]!.content)}</code></pre>\n`;

// One to three emoji and nothing else: shown larger, as chat apps do.
const EMOJI_ONLY = /^(?:\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*\s*){1,3}$/u;

export function isEmojiOnly(body: string): boolean {
  return EMOJI_ONLY.test(body.trim());
}

export function renderBody(body: string): string {
  if (body === "") return "";
  return md.render(body).trimEnd();
}
