import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { sessionSecret } from "../../src/secret.js";

test("without SESSION_SECRET a secret is made once and kept in the data folder, readable only by its owner", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "parley-secret-"));
  try {
    const [a, b] = await Promise.all([sessionSecret(undefined, dir), sessionSecret(undefined, dir)]);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(b, a, "two processes starting together agree");
    assert.equal(await sessionSecret(undefined, dir), a, "a restart keeps it");
    assert.equal((await stat(path.join(dir, "session-secret"))).mode & 0o777, 0o600);
    assert.equal(await sessionSecret("x".repeat(32), dir), "x".repeat(32));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
