import assert from "node:assert/strict";
import { test } from "node:test";
import { DatabaseUnavailableError, openDatabase } from "../../src/db/client.js";

test("an unreachable Postgres gives one clear line naming the host, not a stack trace", async () => {
  await assert.rejects(
    openDatabase({ url: "postgres://parley:secret@127.0.0.1:1/chat", dataDir: "memory://" }),
    (err: unknown) => {
      assert.ok(err instanceof DatabaseUnavailableError);
      assert.match(err.message, /^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/chat \(ECONNREFUSED\)\. Check /);
      assert.doesNotMatch(err.message, /secret|\n/);
      return true;
    },
  );
});

test("the embedded database answers queries through the session adapter", async () => {
  const database = await openDatabase({ dataDir: "memory://" });
  try {
    assert.deepEqual((await database.sessionPool.query("select $1::int as n", [7])).rows, [{ n: 7 }]);
    const multi = await database.sessionPool.query("create table t (x int); insert into t values (1); select x from t");
    assert.deepEqual(multi.rows, [{ x: 1 }]);
  } finally {
    await database.close();
  }
});
