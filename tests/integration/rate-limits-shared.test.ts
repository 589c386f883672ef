import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { sql } from "drizzle-orm";
import type { Options } from "express-rate-limit";
import { DatabaseRateLimitStore } from "../../src/web/rate-limit-store.js";
import { Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { postedBy, startAnotherInstance, startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };

/** A store on `server`'s database for a limiter of its own, with a window of `windowMs`. */
function storeOn(server: TestServer, prefix: string, windowMs = 60_000): DatabaseRateLimitStore {
  const store = new DatabaseRateLimitStore(server.database.db, prefix);
  store.init({ windowMs } as Options);
  return store;
}

async function rows<T>(server: TestServer, query: ReturnType<typeof sql>): Promise<T[]> {
  // PGlite's and pg's results differ in type, not in `rows`.
  const result: unknown = await server.database.db.execute(query);
  return (result as { rows: T[] }).rows;
}

for (const kind of databaseKinds()) {
  describe(`rate limits kept in the database, on ${kind}`, () => {
    let server: TestServer;
    const logged: Array<Record<string, unknown>> = [];
    before(async () => {
      const sink = new Writable({
        write(chunk, _enc, done) {
          logged.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      });
      server = await startTestServer(kind, { RATE_LIMIT_MESSAGES_PER_MIN: "3", LOG_LEVEL: "warn" }, { logTo: sink });
    });
    after(() => server.stop());

    test("each key counts its own hits within one window, and limiters' prefixes keep them apart", async () => {
      const a = storeOn(server, "test-a:");
      const b = storeOn(server, "test-b:");
      const start = Date.now();
      const first = await a.increment("client");
      assert.equal(first.totalHits, 1);
      const resetIn = first.resetTime!.getTime() - start;
      assert.ok(resetIn > 55_000 && resetIn < 65_000, `the window ends in ${resetIn} ms`);
      assert.equal((await a.increment("client")).totalHits, 2);
      const third = await a.increment("client");
      assert.equal(third.totalHits, 3);
      assert.equal(third.resetTime!.getTime(), first.resetTime!.getTime(), "hits in a window keep its end");
      assert.equal((await a.increment("another client")).totalHits, 1, "another key");
      assert.equal((await b.increment("client")).totalHits, 1, "the same key of another limiter");
      assert.deepEqual(await a.get("client"), { totalHits: 3, resetTime: first.resetTime });
      assert.equal(await a.get("nobody"), undefined);
    });

    test("a key whose window has ended starts again at 1, with a new window", async () => {
      const store = storeOn(server, "test-window:", 200);
      const first = await store.increment("client");
      assert.equal((await store.increment("client")).totalHits, 2);
      await delay(300);
      assert.equal(await store.get("client"), undefined, "an ended window counts as none");
      const again = await store.increment("client");
      assert.equal(again.totalHits, 1);
      assert.ok(again.resetTime!.getTime() >= first.resetTime!.getTime() + 250, "the new window ends later");
    });

    test("hits sent at once are each counted: one statement per hit, no lost update", async () => {
      const store = storeOn(server, "test-burst:");
      const counts = await Promise.all(Array.from({ length: 25 }, () => store.increment("client")));
      assert.deepEqual(
        counts.map((c) => c.totalHits).sort((x, y) => x - y),
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    });

    test("decrement takes back one hit; resetKey forgets the key", async () => {
      const store = storeOn(server, "test-undo:");
      for (let i = 0; i < 3; i++) await store.increment("client");
      await store.decrement("client");
      assert.equal((await store.get("client"))?.totalHits, 2);
      await store.resetKey("client");
      assert.equal(await store.get("client"), undefined);
      assert.equal((await store.increment("client")).totalHits, 1);
    });

    test("a sweep deletes the rows whose window has ended, of every limiter, and only those", async () => {
      const short = storeOn(server, "test-sweep-short:", 100);
      const long = storeOn(server, "test-sweep-long:");
      await short.increment("client");
      await long.increment("client");
      await delay(200);
      assert.ok((await long.sweep()) >= 1);
      const keys = (await rows<{ key: string }>(server, sql`select key from rate_limits where key like 'test-sweep-%'`)).map((r) => r.key);
      assert.deepEqual(keys, ["test-sweep-long:client"]);
    });

    test("the messages limit counts in the table: the 4th post in a minute is refused with 429", async () => {
      const alice = new Visitor(server.url);
      await alice.signUp("alice");
      const roomId = await alice.createRoom("limited");
      const statuses = [];
      for (let i = 1; i <= 4; i++) statuses.push((await alice.post(`/rooms/${roomId}/messages`, { body: `message ${i}` })).status);
      assert.deepEqual(statuses, [303, 303, 303, 429]);
      const [row] = await rows<{ hits: number }>(
        server,
        sql`select hits from rate_limits where key = 'messages:user:' || (select id from users where username = 'alice')`,
      );
      assert.equal(row?.hits, 4);
      const signUps = await rows<{ key: string }>(server, sql`select key from rate_limits where key like 'sign-up:%'`);
      assert.equal(signUps.length, 1, "sign-ups are counted under their own prefix");
    });

    test("edits, reactions and deletions count against the same limit as posts", async () => {
      const erin = new Visitor(server.url);
      await erin.signUp("erin");
      const roomId = await erin.createRoom("shaped");
      const id = await postedBy(server, erin, roomId, "a first try");
      const base = `/rooms/${roomId}/messages/${id}`;
      const statuses = [
        (await erin.post(`${base}/reactions`, { emoji: "👍" }, htmx)).status,
        (await erin.post(`${base}/edit`, { body: "a second try" }, htmx)).status,
        (await erin.post(`${base}/delete`, {}, htmx)).status,
      ];
      assert.deepEqual(statuses, [200, 200, 429]);
      const [row] = await rows<{ body: string; deleted: boolean }>(
        server,
        sql`select body, deleted_at is not null as deleted from messages where id = ${id}`,
      );
      assert.deepEqual(row, { body: "a second try", deleted: false });
    });

    test("when the store fails (not for want of a database), requests go through without the limit, with a warning", async () => {
      const bob = new Visitor(server.url);
      await bob.signUp("bob");
      const roomId = await bob.createRoom("unlimited");
      // Every write to the table now fails, as a bug or a broken table would make it.
      await server.database.db.execute(sql`alter table rate_limits add constraint rate_limits_broken check (hits < 0) not valid`);
      try {
        const statuses = [];
        for (let i = 1; i <= 5; i++) statuses.push((await bob.post(`/rooms/${roomId}/messages`, { body: `message ${i}` })).status);
        assert.deepEqual(statuses, [303, 303, 303, 303, 303]);
      } finally {
        await server.database.db.execute(sql`alter table rate_limits drop constraint rate_limits_broken`);
      }
      const warnings = logged.filter((l) => l.msg === "the rate-limit store failed: request let through without its limit");
      assert.equal(warnings.length, 5);
      assert.equal(warnings[0]!.limiter, "messages");
      assert.equal(warnings[0]!.level, 40, "logged as a warning");
      assert.match(JSON.stringify(warnings[0]!.err), /rate_limits_broken/);
    });
  });
}

const skip = databaseKinds().includes("postgres")
  ? false
  : "needs DATABASE_URL: two instances need one PostgreSQL database (an in-memory PGlite belongs to one process); the store's tests above run on PGlite";

describe("two instances on one PostgreSQL database share the rate limits", { skip }, () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    const env = { SESSION_SECRET: randomBytes(32).toString("hex"), RATE_LIMIT_MESSAGES_PER_MIN: "3", RATE_LIMIT_AUTH_PER_15_MIN: "3" };
    a = await startTestServer("postgres", env);
    b = await startAnotherInstance(a, env);
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  test("messages per minute count posts on both: 2 on A and 2 on B, the 4th is refused with 429", async () => {
    const onA = new Visitor(a.url);
    await onA.signUp("alice");
    const roomId = await onA.createRoom("shared");
    const onB = new Visitor(b.url);
    onB.cookie = onA.cookie;
    assert.equal((await onB.openRoom(roomId)).status, 200, "B serves the session A started");

    const post = async (on: Visitor, body: string) => (await on.post(`/rooms/${roomId}/messages`, { body })).status;
    const statuses = [await post(onA, "first on A"), await post(onA, "second on A"), await post(onB, "first on B")];
    const fourth = await onB.post(`/rooms/${roomId}/messages`, { body: "refused on B" });
    assert.deepEqual([...statuses, fourth.status], [303, 303, 303, 429]);
    assert.match(fourth.html, /<h1[^>]*>Slow down<\/h1>/);
    const retryAfter = Number(fourth.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
    assert.equal(await post(onA, "refused on A"), 429, "A refuses too");
    assert.doesNotMatch((await onA.openRoom(roomId)).html, /refused on/);
  });

  test("failed log-ins from one address count on both: the 4th is refused with 429", async () => {
    const statuses = [];
    for (const server of [a, a, b, b, a]) statuses.push((await new Visitor(server.url).logIn("nobody", "wrong password")).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
  });
});
