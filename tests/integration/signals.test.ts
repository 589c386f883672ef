import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { memberships, messages, users } from "../../src/db/schema.js";
import type { DomainEvent } from "../../src/domain/events.js";
import { people, socketPool, type LiveSocket, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const read = (messageId: number) => JSON.stringify({ signal: "read", messageId });

for (const kind of databaseKinds()) {
  describe(`signal limits on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let roomId: number;
    let aliceId: number;
    /** 1,500 messages in the room, oldest first: each read of the next one moves the pointer. */
    let ids: number[];
    /** How many times alice's read pointer moved (read.moved events). */
    let moves = 0;
    const pool = socketPool();

    before(async () => {
      server = await startTestServer(kind, { WS_MAX_SOCKETS_PER_USER: "3" });
      [alice] = (await people(server.url, "alice")) as [Visitor];
      roomId = await alice.createRoom("Signals");
      [{ id: aliceId }] = (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "alice"))) as [{ id: number }];
      const rows = Array.from({ length: 1500 }, (_, i) => ({ roomId, authorId: aliceId, body: `m${i}` }));
      ids = (await server.deps.db.insert(messages).values(rows).returning({ id: messages.id })).map((r) => r.id).sort((x, y) => x - y);
      server.deps.events.subscribe((event: DomainEvent) => {
        if (event.kind === "read.moved" && event.userId === aliceId) moves++;
      });
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    /** Fails if more than `most` pointer moves happen within `ms` (a flood gets there at once). */
    async function atMostMoves(most: number, ms: number): Promise<number> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        assert.ok(moves <= most, `${moves} read pointer moves`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return moves;
    }

    /** Waits until the server has let go of every socket of alice's (so the next test starts afresh). */
    async function noSocketsLeft(): Promise<void> {
      const deadline = Date.now() + 3000;
      while (server.hub.socketsOf(aliceId) > 0) {
        assert.ok(Date.now() < deadline, "alice's sockets are gone");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    async function pointer(): Promise<number | null> {
      const where = and(eq(memberships.userId, aliceId), eq(memberships.roomId, roomId));
      const [row] = await server.deps.db.select({ at: memberships.lastReadMessageId }).from(memberships).where(where);
      return row?.at ?? null;
    }

    test("a socket flooding 1,500 read signals gets a few handled and is closed with 1008", { timeout: 15_000 }, async () => {
      moves = 0;
      await noSocketsLeft();
      const flooder = await pool.open(alice, roomId);
      for (const id of ids) flooder.ws.send(read(id));
      assert.equal(await flooder.closed, 1008);
      const handled = await atMostMoves(40, 1000);
      assert.ok(handled >= 1, "the first signals were handled");
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    });

    test("a burst over the limit is not closed, and the newest dropped read is still applied", { timeout: 15_000 }, async () => {
      moves = 0;
      await noSocketsLeft();
      const reader = await pool.open(alice, roomId);
      const [first, ...rest] = ids.slice(200, 230);
      reader.ws.send(read(first!));
      for (const id of rest) reader.ws.send(read(id));
      const newest = ids[229]!;
      const deadline = Date.now() + 5000;
      while ((await pointer()) !== newest) {
        assert.ok(Date.now() < deadline, "the pointer reaches the newest read");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(moves < 30, "fewer moves than signals: the excess was dropped");
      assert.equal(reader.ws.readyState, reader.ws.OPEN);
      reader.close();
      await reader.closed;
    });

    test("a person's sockets share one limit", { timeout: 15_000 }, async () => {
      moves = 0;
      await noSocketsLeft();
      const sockets: LiveSocket[] = [];
      for (let i = 0; i < 3; i++) sockets.push(await pool.open(alice, roomId));
      // 20 each, the most one socket may send at once; 60 together, over the person's 40.
      sockets.forEach((socket, i) => {
        for (const id of ids.slice(300 + i * 20, 320 + i * 20)) socket.ws.send(read(id));
      });
      const handled = await atMostMoves(45, 1500);
      assert.ok(handled >= 20, `${handled} handled`);
      for (const socket of sockets) assert.equal(socket.ws.readyState, socket.ws.OPEN);
      for (const socket of sockets) socket.close();
      await Promise.all(sockets.map((s) => s.closed));
    });

    test("a person may hold only so many sockets: the next upgrade is refused with 429", async () => {
      await noSocketsLeft();
      const held = [];
      for (let i = 0; i < 3; i++) held.push(await pool.open(alice));
      assert.equal(await alice.socket().refused, 429);
      held[0]!.close();
      await held[0]!.closed;
      const deadline = Date.now() + 2000;
      while (server.hub.socketsOf(aliceId) > 2) {
        assert.ok(Date.now() < deadline);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const again = await pool.open(alice);
      assert.equal(again.ws.readyState, again.ws.OPEN);
    });
  });
}
