import assert from "node:assert/strict";
import { test } from "node:test";
import { typingText } from "../../src/render/typing.js";

const names = new Map([
  [1, "Alice"],
  [2, "Bob"],
  [3, "Carol"],
  [4, "Dave"],
]);

test("the typing line names the others who type, in the order they started, never the viewer", () => {
  assert.equal(typingText(9, [], names), "");
  assert.equal(typingText(9, [1], names), "Alice is typing…");
  assert.equal(typingText(9, [2, 1], names), "Bob and Alice are typing…");
  assert.equal(typingText(9, [1, 2, 3], names), "Several people are typing…");
  assert.equal(typingText(1, [1], names), "", "alone, the typist reads nothing");
  assert.equal(typingText(1, [1, 2], names), "Bob is typing…");
  assert.equal(typingText(2, [1, 2, 3], names), "Alice and Carol are typing…", "two others, though three type");
});

test("a typist without a name (gone meanwhile) is left out", () => {
  assert.equal(typingText(9, [1, 7], names), "Alice is typing…");
  assert.equal(typingText(9, [7], names), "");
});
