import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { messages, users } from "../../src/db/schema.js";
import { REPLAY_LIMIT } from "../../src/realtime/resync.js";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
/** The `after` a room page's ws-connect URL carries: the newest message it shows. */
const afterOf = (html: string) => Number(/ws-connect="\/ws\?room=\d+&amp;after=(\d+)(?:&amp;changes=\d+)?"/.exec(html)?.[1] ?? NaN);
const messageIds = (html: string) => [...html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1]));
const isMessage = (push: string) => push.startsWith('<div hx-swap-oob="beforeend:#messages">');
const presenceOf = (html: string, userId: number) =>
  new RegExp(`<span class="presence" data-presence="${userId}" title="([^"]+)" hx-swap-oob`).exec(html)?.[1];
const rowOf = (html: string, roomId: number) => new RegExp(`<li id="room-row-${roomId}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? "";

for (const kind of databaseKinds()) {
  describe(`a page brought up to date when its socket connects, on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, carol: Visitor;
    let roomId: number, otherRoomId: number;
    let ids: Record<string, number>;
    let carolTab: LiveSocket;
    const pool = socketPool();

    before(async () => {
      // Offline soon after the last page closes, so that a test can watch someone go.
      server = await startTestServer(kind, { PRESENCE_GRACE_MS: "50" });
      [alice, bob, carol] = (await people(server.url, "alice", "bob", "carol")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Gap");
      otherRoomId = await alice.createRoom("Elsewhere");
      for (const v of [bob, carol]) {
        await v.joinRoom(roomId);
        await v.joinRoom(otherRoomId);
      }
      const rows = await server.deps.db.select({ id: users.id, username: users.username }).from(users);
      ids = Object.fromEntries(rows.map((r) => [r.username, r.id]));
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "before the page" }, htmx);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("what happens between a page's render and its socket opening arrives in the socket's first frame", async () => {
      const page = await bob.openRoom(roomId);
      const shown = afterOf(page.html);
      assert.ok(shown > 0, "the room page's socket URL names the newest message it shows");
      assert.equal(presenceOf(page.html.replace(/ hx-swap-oob/g, ""), ids.alice!), undefined);

      // Between render and connect: a message here and one elsewhere, Carol starts typing, Alice comes online.
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body: "in the gap" }, htmx);
      await alice.post(`/rooms/${otherRoomId}/messages`, { body: "elsewhere, in the gap" }, htmx);
      carolTab = await pool.open(carol, roomId);
      carolTab.ws.send(JSON.stringify({ signal: "typing" }));
      await pool.open(alice, roomId);
      const gapId = (await server.deps.db.select({ id: messages.id }).from(messages).where(eq(messages.body, "in the gap")))[0]!.id;
      // Wait until the server has taken Carol's signal: her typing shows on Alice's page.
      await until(() => server.deps.typing.typists(roomId).includes(ids.carol!));

      const socket = bob.socket(roomId, {}, shown);
      await socket.opened;
      const state = socket.state!;
      assert.deepEqual(messageIds(state), [gapId], "the message posted in the gap, and only it");
      assert.match(state, /in the gap/);
      assert.match(state, /<div hx-swap-oob="innerHTML:#typing">Carol is typing…<\/div>/);
      assert.equal(presenceOf(state, ids.alice!), "online");
      assert.match(
        state,
        new RegExp(`hx-swap-oob="beforeend:#receipts-${gapId}"><span id="receipt-${ids.alice}"`),
        "Alice's receipt sits at her message",
      );
      assert.match(rowOf(state, otherRoomId), /<span class="unread-count">1<span class="sr-only"> unread/);
      const here = Number(/<span class="unread-count">(\d+)</.exec(rowOf(state, roomId))?.[1]);
      assert.equal(here, 2, "both of Alice's messages here are unread for Bob");
      assert.match(state, /id="unread-total"[^>]*data-title-prefix="\(3\) "/);
      socket.close();
    });

    test("a socket that comes back gets the sidebar counts and the presence that changed while it was away", async () => {
      const page = await bob.openRoom(roomId);
      const first = bob.socket(roomId, {}, afterOf(page.html));
      await first.opened;
      first.close();
      await new Promise((resolve) => first.ws.once("close", resolve));

      // While Bob is away: another message elsewhere, and Carol's last page closes and she goes offline.
      await alice.post(`/rooms/${otherRoomId}/messages`, { body: "while Bob was away" }, htmx);
      assert.equal(presenceOf(first.state!, ids.carol!), "online");
      carolTab.close();
      await until(() => !server.deps.presence.isOnline(ids.carol!));
      const again = bob.socket(roomId, {}, afterOf(page.html));
      await again.opened;
      assert.deepEqual(messageIds(again.state!), [], "nothing new in this room");
      assert.match(rowOf(again.state!, otherRoomId), /<span class="unread-count">2<span class="sr-only"> unread/);
      assert.match(presenceOf(again.state!, ids.carol!) ?? "", /^offline, last seen/);
      assert.equal(presenceOf(again.state!, ids.alice!), "online");
      again.close();
    });

    test(`up to ${REPLAY_LIMIT} missed messages come one by one; past that the timeline starts again from the newest page`, async () => {
      const room = await alice.createRoom("Busy");
      await bob.joinRoom(room);
      const page = await bob.openRoom(room);
      const shown = afterOf(page.html);
      assert.equal(shown, 0, "an empty room's page has seen nothing yet");
      const seeded = await seed(server, room, ids.alice!, REPLAY_LIMIT);

      const socket = bob.socket(room, {}, shown);
      await socket.opened;
      assert.deepEqual(messageIds(socket.state!), seeded, "every missed message, once, in order");
      assert.ok(socket.state!.startsWith('<div hx-swap-oob="beforeend:#messages">'));
      socket.close();

      const more = await seed(server, room, ids.alice!, 1);
      const late = bob.socket(room, {}, shown);
      await late.opened;
      assert.match(late.state!, /^<div id="timeline" class="[^"]*" hx-swap-oob="outerHTML">/);
      const history = /<ol id="history"[^>]*>([\s\S]*?)<\/ol>/.exec(late.state!)![1]!;
      assert.deepEqual(messageIds(history), [...seeded, ...more].slice(-50), "the newest page, in the unannounced history list");
      assert.match(late.state!, /<ol id="messages" aria-live="off" data-room="\d+"><\/ol>/);
      late.close();
    });

    test("concurrent posts reach every socket in id order, each once", async () => {
      const room = await alice.createRoom("Race");
      const posters = [alice, bob, carol];
      for (const v of [bob, carol]) await v.joinRoom(room);
      const page = await bob.openRoom(room);
      const watcher = await openAfter(bob, room, afterOf(page.html));
      for (const v of posters) await v.openRoom(room);
      const perPoster = 40;
      await Promise.all(
        posters.map(async (v, p) => {
          // Each poster keeps four posts in flight, as several tabs or a retrying client would.
          for (let i = 0; i < perPoster; i += 4) {
            await Promise.all([0, 1, 2, 3].map((k) => v.post(`/rooms/${room}/messages`, { body: `${p}-${i + k}` }, htmx)));
          }
        }),
      );
      const pushes = await watcher.waitFor(posters.length * perPoster, 10_000, isMessage);
      const received = pushes.flatMap(messageIds);
      assert.equal(received.length, posters.length * perPoster);
      assert.deepEqual(
        received,
        [...received].sort((a, b) => a - b),
        "in id order",
      );
      assert.equal(new Set(received).size, received.length, "each once");
    });

    test("a message whose news comes late still reaches a page before the one committed after it", async () => {
      const room = await alice.createRoom("Late news");
      await bob.joinRoom(room);
      const page = await bob.openRoom(room);
      const watcher = await openAfter(bob, room, afterOf(page.html));
      // Committed first, told last: as when two posts' answers race back from the database.
      const [early] = await seed(server, room, ids.alice!, 1);
      await alice.post(`/rooms/${room}/messages`, { body: "committed second, told first" }, htmx);
      server.deps.events.publish({ kind: "message.created", roomId: room, messageId: early!, authorId: ids.alice! });
      const received = (await watcher.waitFor(2, 2000, isMessage)).flatMap(messageIds);
      assert.equal(received[0], early, "the message committed first comes first");
      assert.ok(received[1]! > early!, `then the later one, got ${received.join(", ")}`);
    });

    async function openAfter(visitor: Visitor, room: number, shown: number): Promise<LiveSocket> {
      const socket = visitor.socket(room, {}, shown);
      await socket.opened;
      return socket;
    }
  });
}

async function seed(server: TestServer, roomId: number, authorId: number, count: number): Promise<number[]> {
  const rows = Array.from({ length: count }, (_, i) => ({ roomId, authorId, body: `seeded ${i}` }));
  const inserted = await server.deps.db.insert(messages).values(rows).returning({ id: messages.id });
  return inserted.map((r) => r.id);
}

/** Waits for a condition the server reaches on its own, checking at each turn of the event loop. */
async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
