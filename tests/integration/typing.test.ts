import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const EXPIRY_MS = 400;
const isTyping = (push: string) => push.startsWith('<div hx-swap-oob="innerHTML:#typing">');
const line = (push: string) => /^<div hx-swap-oob="innerHTML:#typing">(.*)<\/div>$/.exec(push)?.[1];
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const typing = (s: LiveSocket) => s.ws.send(JSON.stringify({ signal: "typing", HEADERS: { "HX-Request": "true" } }));

for (const kind of databaseKinds()) {
  describe(`typing on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, carol: Visitor, dave: Visitor, eve: Visitor;
    let roomId: number;
    const pool = socketPool();
    const open = pool.open;
    const lines = (s: LiveSocket) => s.received.filter(isTyping).map(line);

    before(async () => {
      server = await startTestServer(kind, { TYPING_EXPIRY_MS: String(EXPIRY_MS) });
      [alice, bob, carol, dave, eve] = (await people(server.url, "alice", "bob", "carol", "dave", "eve")) as [
        Visitor, Visitor, Visitor, Visitor, Visitor,
      ];
      roomId = await alice.createRoom("Typing");
      for (const v of [bob, carol, dave]) await v.joinRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("others see who is typing, never themselves; repeats say nothing new; it clears after the expiry", async () => {
      const [a, b, c] = [await open(alice, roomId), await open(bob, roomId), await open(carol, roomId)];
      const elsewhere = await open(eve, 1);
      typing(a);
      await b.waitFor(1, 2000, isTyping);
      await c.waitFor(1, 2000, isTyping);
      assert.deepEqual(lines(b), ["Alice is typing…"]);
      assert.deepEqual(lines(c), ["Alice is typing…"]);
      await a.waitFor(1, 2000, isTyping);
      assert.deepEqual(lines(a), [""], "Alice's own line does not name her");

      typing(b);
      await c.waitFor(2, 2000, isTyping);
      assert.deepEqual(lines(c), ["Alice is typing…", "Alice and Bob are typing…"]);
      await a.waitFor(2, 2000, isTyping);
      assert.equal(lines(a)[1], "Bob is typing…");
      await b.waitFor(2, 2000, isTyping);
      assert.equal(lines(b)[1], "Alice is typing…");

      // Alice signals again halfway through Bob's expiry, so their expiries are well apart.
      await settle(EXPIRY_MS / 2);
      typing(a);
      await settle(EXPIRY_MS / 8);
      assert.equal(lines(c).length, 2, "a repeated signal is not a change");

      await c.waitFor(4, EXPIRY_MS * 4, isTyping);
      // Alice's repeat refreshed her; Bob, silent since, expires first.
      assert.deepEqual(lines(c).slice(2), ["Alice is typing…", ""], "each typist expires on their own clock");
      assert.deepEqual(lines(elsewhere), [], "another room's sockets hear nothing");
      for (const s of [a, b, c]) s.close();
    });

    test("three or more typists read as several people", async () => {
      const [a, b, c, d] = [await open(alice, roomId), await open(bob, roomId), await open(carol, roomId), await open(dave, roomId)];
      typing(a);
      await d.waitFor(1, 2000, isTyping);
      typing(b);
      await d.waitFor(2, 2000, isTyping);
      typing(c);
      await d.waitFor(3, 2000, isTyping);
      assert.equal(lines(d)[2], "Several people are typing…");
      for (const s of [a, b, c, d]) s.close();
    });

    test("sending the message clears the typist at once", async () => {
      await settle(EXPIRY_MS * 2);
      const [a, b] = [await open(alice, roomId), await open(bob, roomId)];
      typing(a);
      await b.waitFor(1, 2000, isTyping);
      await alice.openRoom(roomId);
      const started = Date.now();
      await alice.post(`/rooms/${roomId}/messages`, { body: "done typing" }, { "hx-request": "true" });
      await b.waitFor(2, EXPIRY_MS / 2, isTyping);
      assert.ok(Date.now() - started < EXPIRY_MS, "cleared by the send, not by the expiry");
      assert.deepEqual(lines(b), ["Alice is typing…", ""]);
      for (const s of [a, b]) s.close();
    });

    test("the room page shows current typists to someone who opens it", async () => {
      const a = await open(alice, roomId);
      typing(a);
      await settle(100);
      assert.match((await bob.openRoom(roomId)).html, /<p id="typing" role="status"[^>]*>Alice is typing…<\/p>/);
      assert.match((await alice.openRoom(roomId)).html, /<p id="typing" role="status"[^>]*><\/p>/);
      a.close();
    });

    test("signals that are malformed, or from a page that is not a room, are ignored", async () => {
      await settle(EXPIRY_MS * 2);
      const b = await open(bob, roomId);
      const notARoom = await open(alice);
      typing(notARoom);
      const a = await open(alice, roomId);
      a.ws.send("not json");
      a.ws.send(JSON.stringify({ signal: "shouting" }));
      await settle(200);
      assert.deepEqual(lines(b), []);
      for (const s of [a, b, notARoom]) s.close();
    });
  });
}
