import assert from "node:assert/strict";
import { test } from "node:test";
import { Supersede } from "../../src/realtime/supersede.js";

test("an older push that finishes last is dropped; keys do not interfere", () => {
  const s = new Supersede();
  const older = s.start("typing:1");
  const newer = s.start("typing:1");
  const other = s.start("typing:2");
  assert.equal(newer(), true);
  assert.equal(older(), false);
  assert.equal(other(), true);
  const next = s.start("typing:1");
  assert.equal(next(), true, "a finished key starts afresh");
});
