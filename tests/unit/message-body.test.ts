import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyParts } from "../../src/render/message.js";

test("plain text is one part", () => {
  assert.deepEqual(bodyParts("just words\nand a line"), [{ text: "just words\nand a line" }]);
});

test("web addresses and bare domains become links; the text around them stays", () => {
  assert.deepEqual(bodyParts("see https://example.com/x?y=1, or example.org!"), [
    { text: "see " },
    { text: "https://example.com/x?y=1", href: "https://example.com/x?y=1" },
    { text: ", or " },
    { text: "example.org", href: "http://example.org" },
    { text: "!" },
  ]);
});

test("only web and mail links are made; other schemes stay text", () => {
  const parts = bodyParts("javascript:alert(1) ftp://files.example.com mailto:a@b.example");
  const hrefs = parts.flatMap((p) => (p.href ? [p.href] : []));
  assert.deepEqual(hrefs, ["mailto:a@b.example"]);
  assert.equal(parts.map((p) => p.text).join(""), "javascript:alert(1) ftp://files.example.com mailto:a@b.example");
});
