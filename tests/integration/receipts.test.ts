import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const read = (s: LiveSocket, messageId: number) => s.ws.send(JSON.stringify({ signal: "read", messageId: String(messageId) }));
const receiptOf = (userId: number) => (push: string) => push.includes(`<span id="receipt-${userId}" hx-swap-oob="delete">`);
const typing = (s: LiveSocket) => s.ws.send(JSON.stringify({ signal: "typing" }));
const isTyping = (push: string) => push.includes('hx-swap-oob="innerHTML:#typing"');
const chipsAt = (html: string, messageId: number) =>
  [
    ...(new RegExp(`<p id="receipts-${messageId}" class="receipts" aria-live="off">(.*?)</p>`).exec(html)?.[1] ?? "").matchAll(
      /title="Seen by ([^"]+)"/g,
    ),
  ].map((m) => m[1]);

for (const kind of databaseKinds()) {
  describe(`read receipts on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, carol: Visitor;
    let roomId: number;
    let ids: number[];
    let bobId: number;
    const pool = socketPool();

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol] = (await people(server.url, "alice", "bob", "carol")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Seen");
      await bob.joinRoom(roomId);
      await carol.joinRoom(roomId);
      await alice.openRoom(roomId);
      for (const body of ["one", "two", "three"]) await alice.post(`/rooms/${roomId}/messages`, { body });
      const page = await alice.openRoom(roomId);
      ids = [...page.html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1]));
      bobId = Number(/data-presence="(\d+)"[^>]*>.*Bob/.exec(page.html)![1]);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("a reader's initials sit under the last message they read, for everyone but themselves", async () => {
      const bobRoom = await pool.open(bob, roomId);
      const aliceRoom = await pool.open(alice, roomId);
      read(bobRoom, ids[1]!);
      // Told live once it is stored.
      await aliceRoom.waitFor(1, 2000, receiptOf(bobId));
      aliceRoom.close();
      assert.deepEqual(chipsAt((await alice.openRoom(roomId)).html, ids[1]!), ["Bob"]);
      assert.deepEqual(chipsAt((await carol.openRoom(roomId)).html, ids[2]!), ["Alice"], "the author has read her own message");
      assert.deepEqual(chipsAt((await bob.openRoom(roomId)).html, ids[1]!), [], "Bob never sees his own receipt");
      bobRoom.close();
    });

    test("receipts move live on others' open pages of the room, and not on the reader's own", async () => {
      const aliceRoom = await pool.open(alice, roomId);
      const carolRoom = await pool.open(carol, roomId);
      const bobRoom = await pool.open(bob, roomId);
      read(bobRoom, ids[2]!);
      const [move] = await aliceRoom.waitFor(1, 2000, receiptOf(bobId));
      assert.equal(
        move,
        `<span id="receipt-${bobId}" hx-swap-oob="delete"></span><div hx-swap-oob="beforeend:#receipts-${ids[2]}"><span id="receipt-${bobId}" class="receipt" title="Seen by Bob"><span aria-hidden="true">B</span><span class="sr-only">Seen by Bob</span></span></div>`,
      );
      await carolRoom.waitFor(1, 2000, receiptOf(bobId));
      // The move went to every page at once; Alice typing reaches Bob's page after it would have.
      typing(aliceRoom);
      await bobRoom.next(isTyping);
      assert.deepEqual(bobRoom.received.filter(receiptOf(bobId)), []);
      for (const s of [aliceRoom, carolRoom, bobRoom]) s.close();
    });

    test("posting moves the author's own receipt to the new message, live, for the others", async () => {
      const aliceId = Number(/data-presence="(\d+)"[^>]*>.*Alice/.exec((await carol.openRoom(roomId)).html)![1]);
      const carolRoom = await pool.open(carol, roomId);
      const aliceRoom = await pool.open(alice, roomId);
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "my own" }, { "hx-request": "true" });
      const [move] = await carolRoom.waitFor(1, 2000, receiptOf(aliceId));
      const newest = Number(/id="message-(\d+)"/.exec(carolRoom.received.find((p) => p.includes("my own"))!)![1]);
      assert.match(
        move!,
        new RegExp(`beforeend:#receipts-${newest}"><span id="receipt-${aliceId}" class="receipt" title="Seen by Alice">`),
      );
      // Carol typing reaches Alice's page after anything the post sent her.
      typing(carolRoom);
      await aliceRoom.next(isTyping);
      assert.deepEqual(aliceRoom.received.filter(receiptOf(aliceId)), [], "not to the author");
      for (const s of [carolRoom, aliceRoom]) s.close();
    });

    test("with sharing off, a reader's receipts are never shown, but they still see others'", async () => {
      await bob.get("/settings");
      await bob.post("/settings", { sidebarOrder: "activity" });
      assert.deepEqual(chipsAt((await alice.openRoom(roomId)).html, ids[2]!), [], "Bob's receipt is gone (and Alice never sees her own)");
      const aliceRoom = await pool.open(alice, roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "four" });
      const four = Math.max(...[...(await alice.openRoom(roomId)).html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1])));
      const bobRoom = await pool.open(bob, roomId);
      read(bobRoom, four);
      // The read is handled: receipts are sent first, then Bob's own sidebar row (now read). After
      // that, Bob typing reaches Alice's page after any receipt would have.
      await bobRoom.next((push) => push.includes(`id="room-row-${roomId}"`));
      typing(bobRoom);
      await aliceRoom.next(isTyping);
      assert.deepEqual(aliceRoom.received.filter(receiptOf(bobId)), []);
      assert.deepEqual(chipsAt((await bob.openRoom(roomId)).html, four), ["Alice"], "Bob still sees Alice's");
      for (const s of [aliceRoom, bobRoom]) s.close();
    });
  });
}
