import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { messages } from "../../src/db/schema.js";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

// Sockets also hear presence; these tests look at messages only.
const isMessage = (push: string) => push.startsWith('<div hx-swap-oob="beforeend:#messages">');
const messagesIn = (s: LiveSocket) => s.received.filter(isMessage);
const messageIds = (pushes: string[]) => pushes.flatMap((p) => [...p.matchAll(/id="message-(\d+)"/g)].map((m) => m[1]));

for (const kind of databaseKinds()) {
  describe(`live delivery on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let eve: Visitor;
    let roomId: number;
    const pool = socketPool();
    const open = pool.open;

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, eve] = (await people(server.url, "alice", "bob", "eve")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Live");
      await bob.joinRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("a message reaches every member's socket exactly once, the sender's tabs included, and no one else", async () => {
      const aliceTab1 = await open(alice, roomId);
      const aliceTab2 = await open(alice, roomId);
      const bobTab = await open(bob, roomId);
      const eveDefault = await open(eve, 1);
      const bobOtherRoom = await open(bob, 1);

      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "hi <everyone>" }, { "hx-request": "true" });
      for (const s of [aliceTab1, aliceTab2, bobTab]) await s.waitFor(1, 2000, isMessage);
      // A second message proves the first was not followed by a late duplicate.
      await alice.post(`/rooms/${roomId}/messages`, { body: "second" }, { "hx-request": "true" });
      for (const s of [aliceTab1, aliceTab2, bobTab]) await s.waitFor(2, 2000, isMessage);

      for (const s of [aliceTab1, aliceTab2, bobTab]) {
        const pushes = messagesIn(s);
        assert.equal(pushes.length, 2);
        assert.equal(new Set(messageIds(pushes)).size, 2);
        // The room's first message opens its day: the divider is the first thing in its <li>.
        assert.match(
          pushes[0]!,
          /^<div hx-swap-oob="beforeend:#messages"><li id="message-\d+" class="message group[^"]*">\s*<h2 id="day-[\d-]+" class="day-divider">/,
        );
        assert.match(pushes[0]!, /hi &lt;everyone&gt;/);
      }
      // One rendering per role: Bob's frame is the author's but for her Edit and Delete, plus what rides
      // along for the others: the message announced as its author and text only, and Alice's receipt.
      assert.equal(messagesIn(aliceTab1)[0], messagesIn(aliceTab2)[0]);
      const authors = messagesIn(aliceTab1)[0]!;
      const asOthersSeeIt = authors.replace(/<a href="[^"]*\/(edit|delete)"[^>]*data-\1>(Edit|Delete)<\/a>/g, "");
      assert.match(authors, /data-edit>Edit<\/a>.*data-delete>Delete<\/a>/s, "the author's render has Edit and Delete");
      assert.ok(messagesIn(bobTab)[0]!.startsWith(asOthersSeeIt), "the same message string for everyone else");
      assert.match(
        messagesIn(bobTab)[0]!.slice(asOthersSeeIt.length),
        /^<div hx-swap-oob="beforeend:#announcer"><p id="announcement-\d+">Alice: hi &lt;everyone&gt;<\/p><\/div><span id="receipt-\d+" hx-swap-oob="delete"><\/span>/,
      );
      assert.doesNotMatch(messagesIn(aliceTab1)[0]!, /#announcer/, "the author is not told of their own message");
      assert.deepEqual(messagesIn(eveDefault), []);
      assert.deepEqual(messagesIn(bobOtherRoom), []);
    });

    test("the pushed fragment is the same partial the page renders", async () => {
      const bobTab = await open(bob, roomId);
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "same everywhere https://parley.example" });
      const [push] = await bobTab.waitFor(1, 2000, isMessage);
      const li = /<li id="message-\d+"[\s\S]*<\/li>/.exec(push!)![0];
      const page = await bob.openRoom(roomId);
      // Receipts are their own live state: Alice's now sits under her message on the page.
      const withoutReceipts = page.html.replace(/(<p id="receipts-\d+" class="receipts" aria-live="off">)[\s\S]*?(<\/p>)/g, "$1$2");
      assert.match(
        page.html,
        /<p id="receipts-\d+" class="receipts" aria-live="off"><span id="receipt-\d+" class="receipt" title="Seen by Alice">/,
      );
      assert.ok(withoutReceipts.includes(li), "the page contains the pushed <li> verbatim");
    });

    test("a message is committed before anyone is told of it", async () => {
      // On Postgres this lookup runs on another pooled connection, which sees only committed rows.
      const seenAtEvent = new Promise<number>((resolve, reject) => {
        const stop = server.deps.events.subscribe((event) => {
          if (event.kind !== "message.created") return;
          stop();
          server.deps.db
            .select({ id: messages.id })
            .from(messages)
            .where(eq(messages.id, event.messageId))
            .then((rows) => resolve(rows.length), reject);
        });
      });
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "committed first" }, { "hx-request": "true" });
      assert.equal(await seenAtEvent, 1);
    });

    test("a member who leaves stops receiving the room's messages", async () => {
      const room = await alice.createRoom("Leaving");
      await bob.joinRoom(room);
      const bobTab = await open(bob, room);
      // Bob's page on the default room stays open: it shows the left room's sidebar row while he is a member.
      const bobElsewhere = await open(bob, 1);
      const closed = new Promise<number>((resolve) => bobTab.ws.once("close", (code) => resolve(code)));
      await bob.openRoom(room);
      await bob.post(`/rooms/${room}/leave`);
      assert.equal(await closed, 1000, "his socket on the room is closed");
      const aliceTab = await open(alice, room);
      await alice.openRoom(room);
      await alice.post(`/rooms/${room}/messages`, { body: "after bob left" });
      await aliceTab.waitFor(1, 2000, isMessage);
      // A message in a room Bob is still in reaches his open page after anything the first could have sent him.
      await alice.post("/rooms/1/messages", { body: "still a member here" });
      await bobElsewhere.waitFor(1, 2000, (push) => isMessage(push) && push.includes("still a member here"));
      const aboutTheRoom = bobElsewhere.received.filter(
        (push) => push.includes("after bob left") || push.includes(`id="room-row-${room}"`),
      );
      assert.deepEqual(aboutTheRoom, [], "nothing about the room he left");
    });

    test("the upgrade is refused without a session, from a foreign Origin, and to non-members", async () => {
      const anonymous = new Visitor(server.url).socket(roomId);
      assert.equal(await anonymous.refused, 401);

      const foreign = alice.socket(roomId, { origin: "https://evil.example" });
      assert.equal(await foreign.refused, 403);

      const nonMember = eve.socket(roomId);
      assert.equal(await nonMember.refused, 404);

      const noRoom = alice.socket(987654);
      assert.equal(await noRoom.refused, 404);
    });

    test("stopping the server closes sockets with 1012 so that browsers reconnect", async () => {
      const other = await startTestServer(kind);
      try {
        const v = new Visitor(other.url);
        await v.signUp("zoe");
        const home = Number((await v.get("/")).location!.split("/").pop());
        const s = v.socket(home);
        await s.opened;
        const closed = new Promise<number>((resolve) => s.ws.once("close", (code) => resolve(code)));
        await other.stop();
        assert.equal(await closed, 1012);
      } finally {
        await other.stop();
      }
    });

    test("sockets that stop answering pings are dropped", async () => {
      const quick = await startTestServer(kind, { WS_PING_INTERVAL_MS: "100" });
      try {
        const v = new Visitor(quick.url);
        await v.signUp("pinged");
        const home = Number((await v.get("/")).location!.split("/").pop());
        const alive = v.socket(home);
        const silent = v.socket(home);
        await Promise.all([alive.opened, silent.opened]);
        // Stop the silent client's automatic pong replies, as a dead peer would.
        silent.ws.pong = () => {};
        (silent.ws as unknown as { _receiver: { removeAllListeners(e: string): void } })._receiver.removeAllListeners("ping");
        const deadline = Date.now() + 10_000;
        while (quick.hub.size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal(quick.hub.size, 1, "the silent socket is gone, the answering one stays");
        assert.equal(alive.ws.readyState, alive.ws.OPEN);
      } finally {
        await quick.stop();
      }
    });
  });
}
