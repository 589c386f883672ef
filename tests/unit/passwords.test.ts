import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword, verifyPassword } from "../../src/domain/passwords.js";

test("a password verifies against its own hash only", async () => {
  const hash = await hashPassword("correct horse battery");
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword("correct horse battery", hash), true);
  assert.equal(await verifyPassword("correct horse batterY", hash), false);
  assert.equal(await verifyPassword("correct horse battery", "garbage"), false);
});

test("the same password hashes differently each time (salted)", async () => {
  assert.notEqual(await hashPassword("same"), await hashPassword("same"));
});
