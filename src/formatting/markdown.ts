import MarkdownIt, { type StateCore } from "markdown-it";

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

/**
 * `@username` and `@room` in a message's text, where they read as text: not inside code or a link,
 * and not inside a word (an address like bob@example.org is no mention). A username may hold dots
 * and hyphens, but one ending a sentence ("thanks @bob.") does not take the full stop.
 */
const MENTION = /(^|[^\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]*[A-Za-z0-9_])/gu;

/** Whom a text mentions: usernames lower-cased, each once, and whether it says `@room`. */
export interface Mentions {
  usernames: string[];
  room: boolean;
}

/** Who the mentions a text makes turned out to be when it was written; anyone else reads as text. */
export interface MentionTargets {
  /** By lower-cased username. */
  people: ReadonlyMap<string, { id: number; displayName: string }>;
  room: boolean;
}

const nobodyMentioned: MentionTargets = { people: new Map(), room: false };

// After inline parsing, each text token outside links is split at its mentions (code spans and
// blocks are tokens of their own, never text), so that rendering can name the people.
md.core.ruler.push("mentions", (state) => {
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    const children: typeof block.children = [];
    let inLink = 0;
    for (const token of block.children) {
      if (token.type === "link_open") inLink++;
      if (token.type === "link_close") inLink--;
      if (token.type !== "text" || inLink > 0 || !token.content.includes("@")) {
        children.push(token);
        continue;
      }
      let last = 0;
      for (const match of token.content.matchAll(MENTION)) {
        const at = match.index + match[1]!.length;
        if (at > last) children.push(textToken(state, token.content.slice(last, at)));
        const mention = new state.Token("mention", "", 0);
        mention.content = match[2]!;
        children.push(mention);
        last = at + 1 + match[2]!.length;
      }
      if (last === 0) children.push(token);
      else if (last < token.content.length) children.push(textToken(state, token.content.slice(last)));
    }
    block.children = children;
  }
});

function textToken(state: StateCore, content: string) {
  const token = new state.Token("text", "", 0);
  token.content = content;
  return token;
}

md.renderer.rules.mention = (tokens, i, _options, env: MentionTargets) => {
  const name = tokens[i]!.content;
  const lower = name.toLowerCase();
  if (lower === "room" && env.room) return `<span class="mention mention-room">@room</span>`;
  const person = env.people.get(lower);
  if (!person) return md.utils.escapeHtml(`@${name}`);
  return `<span class="mention" data-mention="${person.id}" title="@${md.utils.escapeHtml(name)}">@${md.utils.escapeHtml(person.displayName)}</span>`;
};

/** The mentions a text makes, as `renderBody` will find them. */
export function mentionsIn(body: string): Mentions {
  if (!body.includes("@")) return { usernames: [], room: false };
  const usernames = new Set<string>();
  let room = false;
  for (const block of md.parse(body, nobodyMentioned))
    for (const token of block.children ?? []) {
      if (token.type !== "mention") continue;
      const lower = token.content.toLowerCase();
      if (lower === "room") room = true;
      else usernames.add(lower);
    }
  return { usernames: [...usernames], room };
}

/** `mentions`: whom the text's `@name`s name (resolved when it was written); by default nobody. */
export function renderBody(body: string, mentions: MentionTargets = nobodyMentioned): string {
  if (body === "") return "";
  return md.render(body, mentions).trimEnd();
}
