import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const EXPIRY_MS = 400;
const PATIENT_EXPIRY_MS = 60_000;
const isTyping = (push: string) => push.startsWith('<div hx-swap-oob="innerHTML:#typing">');
const line = (push: string) => /^<div hx-swap-oob="innerHTML:#typing">(.*)<\/div>$/.exec(push)?.[1];
const typing = (s: LiveSocket) => s.ws.send(JSON.stringify({ signal: "typing", HEADERS: { "HX-Request": "true" } }));

for (const kind of databaseKinds()) {
  describe(`typing on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, carol: Visitor, dave: Visitor, eve: Visitor;
    let roomId: number;
    const pool = socketPool();
    const open = pool.open;
    const lines = (s: LiveSocket) => s.received.filter(isTyping).map(line);
    /** A room of its own for a test, with bob, carol and dave in it: no typist of another test is there. */
    const newRoom = async (name: string) => {
      const id = await alice.createRoom(name);
      for (const v of [bob, carol, dave]) await v.joinRoom(id);
      return id;
    };

    before(async () => {
      server = await startTestServer(kind, { TYPING_EXPIRY_MS: String(EXPIRY_MS) });
      [alice, bob, carol, dave, eve] = (await people(server.url, "alice", "bob", "carol", "dave", "eve")) as [
        Visitor,
        Visitor,
        Visitor,
        Visitor,
        Visitor,
      ];
      roomId = await newRoom("Typing");
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

      // Alice signals again (how her clock restarts is tests/unit/typing.test.ts's). Then Bob sends,
      // which stops him at once: that line reaches Carol after anything the repeat could have sent.
      typing(a);
      await bob.openRoom(roomId);
      await bob.post(`/rooms/${roomId}/messages`, { body: "sent" }, { "hx-request": "true" });
      await c.waitFor(4, EXPIRY_MS * 4, isTyping);
      assert.deepEqual(lines(c).slice(2), ["Alice is typing…", ""], "a repeated signal is not a change; then Alice expires");
      assert.deepEqual(lines(elsewhere), [], "another room's sockets hear nothing");
      for (const s of [a, b, c]) s.close();
    });

    test("three or more typists read as several people", async () => {
      const room = await newRoom("Several");
      const [a, b, c, d] = [await open(alice, room), await open(bob, room), await open(carol, room), await open(dave, room)];
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
      // Typists on this server expire after a minute, so a line cleared within the test is the send's.
      const patient = await startTestServer(kind, { TYPING_EXPIRY_MS: String(PATIENT_EXPIRY_MS) });
      const sockets = socketPool();
      try {
        const [writer, reader] = (await people(patient.url, "alice", "bob")) as [Visitor, Visitor];
        const room = await writer.createRoom("Sending");
        await reader.joinRoom(room);
        const [a, b] = [await sockets.open(writer, room), await sockets.open(reader, room)];
        typing(a);
        await b.waitFor(1, 2000, isTyping);
        await writer.openRoom(room);
        const started = Date.now();
        await writer.post(`/rooms/${room}/messages`, { body: "done typing" }, { "hx-request": "true" });
        await b.waitFor(2, 10_000, isTyping);
        assert.ok(Date.now() - started < PATIENT_EXPIRY_MS, "cleared by the send, not by the expiry");
        assert.deepEqual(lines(b), ["Alice is typing…", ""]);
      } finally {
        sockets.closeAll();
        await patient.stop();
      }
    });

    test("the room page shows current typists to someone who opens it", async () => {
      const room = await newRoom("Opening");
      const [a, c] = [await open(alice, room), await open(carol, room)];
      typing(a);
      // Told live once Alice counts as typing.
      await c.waitFor(1, 2000, isTyping);
      assert.match((await bob.openRoom(room)).html, /<p id="typing" role="status"[^>]*>Alice is typing…<\/p>/);
      assert.match((await alice.openRoom(room)).html, /<p id="typing" role="status"[^>]*><\/p>/);
      for (const s of [a, c]) s.close();
    });

    test("signals that are malformed, or from a page that is not a room, are ignored", async () => {
      const room = await newRoom("Ignoring");
      await bob.openRoom(room);
      await bob.post(`/rooms/${room}/messages`, { body: "unread by alice" });
      const [unread] = [...(await bob.openRoom(room)).html.matchAll(/<li id="message-(\d+)"/g)].map((m) => m[1]);
      const b = await open(bob, room);
      const notARoom = await open(alice);
      typing(notARoom);
      const a = await open(alice, room);
      a.ws.send("not json");
      a.ws.send(JSON.stringify({ signal: "shouting" }));
      // Signals are handled in order: Alice reading Bob's message moves her receipt on Bob's page
      // after any line those could have sent.
      a.ws.send(JSON.stringify({ signal: "read", messageId: unread }));
      await b.waitFor(1, 2000, (push) => /<span id="receipt-\d+" hx-swap-oob="delete">/.test(push));
      assert.deepEqual(lines(b), []);
      for (const s of [a, b, notARoom]) s.close();
    });
  });
}
