import assert from "node:assert/strict";
import { test } from "node:test";
import { isEmojiOnly, renderBody } from "../../src/formatting/markdown.js";

const link = (href: string, text: string) =>
  `<a href="${href}" class="link" rel="noopener noreferrer nofollow ugc" target="_blank">${text}</a>`;

test("plain text is one paragraph; a single line break is a line break", () => {
  assert.equal(renderBody("just words\nand a line"), "<p>just words<br>\nand a line</p>");
});

test("web addresses and bare domains become links; the text around them stays", () => {
  assert.equal(
    renderBody("see https://example.com/x?y=1, or example.org!"),
    `<p>see ${link("https://example.com/x?y=1", "https://example.com/x?y=1")}, or ${link("http://example.org", "example.org")}!</p>`,
  );
});

test("only web and mail links are made; other schemes stay text", () => {
  const html = renderBody("javascript:alert(1) ftp://files.example.com mailto:a@b.example");
  assert.deepEqual(
    [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]),
    ["mailto:a@b.example"],
  );
  for (const body of ["[x](javascript:alert(1))", "[x](data:text/html,<b>x</b>)", "[x](vbscript:msgbox)", "[x](file:///etc/passwd)"])
    assert.doesNotMatch(renderBody(body), /href=/, body);
});

test("the subset: bold, italic, strike, code, fenced code, quotes, lists, links", () => {
  assert.equal(renderBody("**b** *i* ~~s~~ `c`"), "<p><strong>b</strong> <em>i</em> <s>s</s> <code>c</code></p>");
  assert.equal(renderBody("```\nconst  x = 1;\n  y\n```"), '<pre tabindex="0"><code>const  x = 1;\n  y\n</code></pre>');
  assert.equal(renderBody("> quoted"), "<blockquote>\n<p>quoted</p>\n</blockquote>");
  assert.equal(renderBody("- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
  assert.equal(renderBody("1. a\n2. b"), "<ol>\n<li>a</li>\n<li>b</li>\n</ol>");
  assert.equal(renderBody("[docs](https://example.org/d)"), `<p>${link("https://example.org/d", "docs")}</p>`);
});

test("raw HTML, images, headings and rules come back as text", () => {
  assert.equal(renderBody("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  assert.equal(renderBody('<img src=x onerror="alert(1)">'), "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>");
  assert.doesNotMatch(renderBody("![cat](https://example.org/cat.png)"), /<img/);
  assert.equal(renderBody("# not a heading"), "<p># not a heading</p>");
  assert.equal(renderBody("Title\n==="), "<p>Title<br>\n===</p>");
  assert.equal(renderBody("---"), "<p>---</p>");
});

test("one to three emoji and nothing else show larger", () => {
  assert.ok(isEmojiOnly("🎉"));
  assert.ok(isEmojiOnly(" 👍🏽 ❤️ 👨‍👩‍👧 "));
  assert.ok(!isEmojiOnly("🎉🎉🎉🎉"));
  assert.ok(!isEmojiOnly("yes 🎉"));
  assert.ok(!isEmojiOnly("123"));
});

// What may appear in rendered text, and nothing else: every other "<" the author typed is escaped.
const ALLOWED = new Map([
  ["p", []],
  ["br", []],
  ["strong", []],
  ["em", []],
  ["s", []],
  ["code", []],
  ["pre", ["tabindex"]],
  ["blockquote", []],
  ["ul", []],
  ["ol", ["start"]],
  ["li", []],
  ["a", ["href", "class", "rel", "target"]],
]);

function assertInert(body: string, html: string): void {
  for (const tag of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [whole, name, rest] = tag as unknown as [string, string, string];
    const allowed = ALLOWED.get(name.toLowerCase());
    assert.ok(allowed, `no <${name}> from ${JSON.stringify(body)}: ${html}`);
    if (whole.startsWith("</")) continue;
    const attributes = [...rest.matchAll(/\s([^\s=]+)="([^"]*)"/g)];
    // Whatever is left once the quoted attributes are gone must be nothing (no bare or unquoted ones).
    assert.equal(rest.replace(/\s([^\s=]+)="([^"]*)"/g, "").trim(), "", `stray attribute text in ${whole}`);
    for (const [, attribute, value] of attributes) {
      assert.ok(allowed.includes(attribute!), `no ${attribute} on <${name}> from ${JSON.stringify(body)}`);
      if (attribute === "href") assert.match(value!, /^(https?:|mailto:)/i, `a safe link from ${JSON.stringify(body)}`);
    }
  }
}

test("thousands of hostile bodies never yield markup beyond the subset", () => {
  const fragments = [
    "<",
    ">",
    '"',
    "'",
    "`",
    "```",
    "*",
    "**",
    "_",
    "~~",
    "[",
    "](",
    ")",
    "!",
    "#",
    "> ",
    "- ",
    "1. ",
    "\n",
    "\n\n",
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:x",
    "<svg onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:x">',
    "&#x3c;script&#x3e;",
    "&lt;b&gt;",
    "&#106;avascript:",
    "<iframe src=//evil>",
    "<style>",
    "onmouseover=",
    '" onfocus="x',
    "http://example.org/a?b=<c>",
    "mailto:x@y.z",
    "<!-- -->",
    "<![CDATA[",
    "\u202e",
    "é",
    "🎉",
    "\\",
    "|a|b|",
    "---",
    "===",
    "    ",
    "<details open ontoggle=x>",
  ];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 4000; n++) {
    let body = "";
    const length = 1 + Math.floor(random() * 12);
    for (let k = 0; k < length; k++) body += fragments[Math.floor(random() * fragments.length)];
    assertInert(body, renderBody(body));
  }
});
