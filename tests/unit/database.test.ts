import assert from "node:assert/strict";
import { test } from "node:test";
import { DatabaseUnavailableError, openDatabase } from "../../src/db/client.js";
import { isDatabaseUnavailable } from "../../src/db/pool.js";

test("an unreachable Postgres gives one clear line naming the host, not a stack trace", async () => {
  await assert.rejects(openDatabase({ url: "postgres://parley:secret@127.0.0.1:1/chat", dataDir: "memory://" }), (err: unknown) => {
    assert.ok(err instanceof DatabaseUnavailableError);
    assert.match(err.message, /^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/chat \(ECONNREFUSED\)\. Check /);
    assert.doesNotMatch(err.message, /secret|\n/);
    return true;
  });
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

test("only errors that mean PostgreSQL is not answering count as unavailable, however wrapped", () => {
  const pgError = (message: string, code?: string) => Object.assign(new Error(message), { code });
  const wrapped = (cause: Error) => new Error("Failed query: select 1\nparams: ", { cause });
  for (const err of [
    pgError("Query read timeout"),
    pgError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
    pgError("canceling statement due to statement timeout", "57014"),
    pgError("terminating connection due to administrator command", "57P01"),
    pgError("sorry, too many clients already", "53300"),
  ]) {
    assert.ok(isDatabaseUnavailable(err), err.message);
    assert.ok(isDatabaseUnavailable(wrapped(err)), `wrapped: ${err.message}`);
  }
  for (const err of [
    pgError('duplicate key value violates unique constraint "users_username_key"', "23505"),
    pgError('invalid byte sequence for encoding "UTF8": 0x00', "22021"),
    new Error("PGlite is closed"),
  ]) {
    assert.ok(!isDatabaseUnavailable(err), err.message);
    assert.ok(!isDatabaseUnavailable(wrapped(err)), `wrapped: ${err.message}`);
  }
  assert.ok(!isDatabaseUnavailable("Query read timeout"));
});
