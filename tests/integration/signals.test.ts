import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq, sql } from "drizzle-orm";
import { memberships, messages, users } from "../../src/db/schema.js";
import { people, socketPool, type LiveSocket, type Visitor } from "../support/client.js";
import { databaseKinds, type DatabaseKind } from "../support/databases.js";
import { startTestServer } from "../support/server.js";

const read = (messageId: number) => JSON.stringify({ signal: "read", messageId });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server where alice has a room of `count` messages (ids oldest first: each read of the next one
 * moves her pointer), and where every read signal handled is counted: each is one UPDATE of
 * memberships, whether or not the pointer moves (concurrent reads on PostgreSQL can land out of
 * order), and a statement trigger counts them.
 */
async function signalsServer(kind: DatabaseKind, count: number, env: Record<string, string> = {}) {
  const server = await startTestServer(kind, env);
  const [alice] = (await people(server.url, "alice")) as [Visitor];
  const roomId = await alice.createRoom("Signals");
  const [{ id: aliceId }] = (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "alice"))) as [
    { id: number },
  ];
  const rows = Array.from({ length: count }, (_, i) => ({ roomId, authorId: aliceId, body: `m${i}` }));
  const ids = (await server.deps.db.insert(messages).values(rows).returning({ id: messages.id })).map((r) => r.id).sort((x, y) => x - y);
  const { db } = server.deps;
  await db.execute(sql`create table pointer_updates (at timestamptz default now())`);
  await db.execute(
    sql.raw(`create function count_pointer_update() returns trigger language plpgsql as $$
             begin insert into pointer_updates default values; return null; end $$`),
  );
  await db.execute(
    sql`create trigger count_pointer_updates after update on memberships for each statement execute function count_pointer_update()`,
  );
  return {
    server,
    alice,
    roomId,
    aliceId,
    ids,
    async updates(): Promise<number> {
      const result = await db.execute(sql`select count(*)::int as n from pointer_updates`);
      return (result as { rows: Array<{ n: number }> }).rows[0]!.n;
    },
    /** Fails as soon as more than `most` UPDATEs have happened, watching for `ms`; returns the count. */
    async atMostUpdates(most: number, ms: number): Promise<number> {
      const deadline = Date.now() + ms;
      for (;;) {
        const n = await this.updates();
        assert.ok(n <= most, `${n} read pointer UPDATEs`);
        if (Date.now() > deadline) return n;
        await pause(50);
      }
    },
    /** Waits until the server has let go of every socket of alice's, so a test starts afresh. */
    async noSocketsLeft(): Promise<void> {
      const deadline = Date.now() + 3000;
      while (server.hub.socketsOf(aliceId) > 0) {
        assert.ok(Date.now() < deadline, "alice's sockets are gone");
        await pause(20);
      }
      await db.execute(sql`delete from pointer_updates`);
    },
    async pointer(): Promise<number | null> {
      const where = and(eq(memberships.userId, aliceId), eq(memberships.roomId, roomId));
      const [row] = await db.select({ at: memberships.lastReadMessageId }).from(memberships).where(where);
      return row?.at ?? null;
    },
  };
}

for (const kind of databaseKinds()) {
  describe(`signal limits on ${kind} (defaults: 5 per second per socket, bursts of 20)`, () => {
    let s: Awaited<ReturnType<typeof signalsServer>>;
    const pool = socketPool();
    before(async () => {
      s = await signalsServer(kind, 1500, { WS_MAX_SOCKETS_PER_USER: "3" });
    });
    after(async () => {
      pool.closeAll();
      await s.server.stop();
    });

    test("a socket flooding 1,500 read signals gets a few handled and is closed with 1008", { timeout: 15_000 }, async (t) => {
      await s.noSocketsLeft();
      const flooder = await pool.open(s.alice, s.roomId);
      for (const id of s.ids) flooder.ws.send(read(id));
      assert.equal(await flooder.closed, 1008);
      const handled = await s.atMostUpdates(30, 1000);
      t.diagnostic(`1,500 read signals: ${handled} UPDATEs`);
      assert.ok(handled >= 1, "the first signals were handled");
      assert.equal((await fetch(`${s.server.url}/healthz`)).status, 200);
    });

    test("a burst over the limit is not closed, and the newest dropped read is still applied", { timeout: 15_000 }, async () => {
      await s.noSocketsLeft();
      const reader = await pool.open(s.alice, s.roomId);
      const burst = s.ids.slice(200, 230);
      for (const id of burst) reader.ws.send(read(id));
      const deadline = Date.now() + 5000;
      while ((await s.pointer()) !== burst.at(-1)) {
        assert.ok(Date.now() < deadline, "the pointer reaches the newest read");
        await pause(50);
      }
      assert.ok((await s.updates()) < burst.length, "fewer UPDATEs than signals: the excess was dropped");
      assert.equal(reader.ws.readyState, reader.ws.OPEN);
      reader.close();
      await reader.closed;
    });

    test("a person may hold only so many sockets: the next upgrade is refused with 429", async () => {
      await s.noSocketsLeft();
      const held: LiveSocket[] = [];
      for (let i = 0; i < 3; i++) held.push(await pool.open(s.alice));
      assert.equal(await s.alice.socket().refused, 429);
      held[0]!.close();
      await held[0]!.closed;
      const deadline = Date.now() + 2000;
      while (s.server.hub.socketsOf(s.aliceId) > 2) {
        assert.ok(Date.now() < deadline, "the closed socket is let go");
        await pause(20);
      }
      const again = await pool.open(s.alice);
      assert.equal(again.ws.readyState, again.ws.OPEN);
      for (const socket of [...held, again]) socket.close();
    });
  });

  describe(`one limit per person across their sockets on ${kind}`, () => {
    let s: Awaited<ReturnType<typeof signalsServer>>;
    before(async () => {
      // A slow refill (1 per second per socket, 2 per person) so that the person's burst of 40 shows.
      s = await signalsServer(kind, 80, { WS_SIGNALS_PER_SECOND: "1" });
    });
    after(() => s.server.stop());

    test(
      "four sockets sending 20 reads each, within their own limit, get about the person's 40 handled",
      { timeout: 15_000 },
      async (t) => {
        const pool = socketPool();
        const sockets: LiveSocket[] = [];
        for (let i = 0; i < 4; i++) sockets.push(await pool.open(s.alice, s.roomId));
        const started = Date.now();
        sockets.forEach((socket, i) => {
          for (const id of s.ids.slice(i * 20, i * 20 + 20)) socket.ws.send(read(id));
        });
        const handled = await s.atMostUpdates(55, 1500);
        t.diagnostic(`80 read signals on 4 sockets: ${handled} UPDATEs in ${Date.now() - started} ms`);
        assert.ok(handled >= 40, `${handled} handled`);
        for (const socket of sockets) assert.equal(socket.ws.readyState, socket.ws.OPEN, "no socket was over its own limit");
        pool.closeAll();
      },
    );
  });
}
