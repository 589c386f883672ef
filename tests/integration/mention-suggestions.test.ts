import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq, inArray } from "drizzle-orm";
import { messages, rooms, users } from "../../src/db/schema.js";
import { RANKING_WINDOW } from "../../src/domain/mention-suggestions.js";
import { people, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };

/** The usernames a fragment offers, in order ("room" for @room). */
const offered = (html: string) =>
  [...html.matchAll(/<li id="mention-option-[^"]+" role="option"[^>]*data-username="([^"]+)"/g)].map((m) => m[1]);

// Named so that their order by name is the same in every collation (no punctuation decides it).
const names: Record<string, string> = {
  bob: "Bob Stone",
  carol: "Carol Marsh",
  dave: "Dave Young",
  x_ray: "Xavier Ray",
  xoray: "Xena Oray",
  pct: "100% Sure",
  ivy: "Ivy <b>Bold</b>",
};

for (const kind of databaseKinds()) {
  describe(`mention suggestions on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let dave: Visitor;
    let roomId: number;
    let defaultRoom: number;
    const suggest = (who: Visitor, room: number, q: string) =>
      who.get(`/rooms/${room}/mention-suggestions?${new URLSearchParams({ q }).toString()}`, htmx);

    before(async () => {
      // Past 6 members "@room" is not offered: the default room (everyone) is past it, "Mentions" is not.
      server = await startTestServer(kind, { ROOM_MENTION_MAX_MEMBERS: "6" });
      const all = await people(server.url, "alice", "bob", "carol", "dave", "x_ray", "xoray", "pct", "ivy", "fred", "gina", "hank");
      [alice, bob, carol, dave] = all as [Visitor, Visitor, Visitor, Visitor];
      for (const [username, displayName] of Object.entries(names)) {
        await server.deps.db.update(users).set({ displayName }).where(eq(users.username, username));
      }
      [{ id: defaultRoom }] = (await server.deps.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.isDefault, true))) as [
        { id: number },
      ];
      roomId = await alice.createRoom("Mentions");
      for (const who of [bob, carol, dave]) await who.joinRoom(roomId);
      // Bob wrote, then Carol: Carol is the most recent. Dave wrote too, but in another room.
      assert.equal((await bob.post(`/rooms/${roomId}/messages`, { body: "first" }, htmx)).status, 204);
      assert.equal((await carol.post(`/rooms/${roomId}/messages`, { body: "second" }, htmx)).status, 204);
      assert.equal((await dave.post(`/rooms/${defaultRoom}/messages`, { body: "elsewhere" }, htmx)).status, 204);
    });
    after(() => server.stop());

    test("the most recent writer in the room comes first, those who never wrote there after, by name; the asker is not offered", async () => {
      const page = await suggest(alice, roomId, "");
      assert.equal(page.status, 200);
      assert.deepEqual(offered(page.html), ["room", "carol", "bob", "dave"]);
      // Bob asks: Carol, then Alice, who never wrote, before Dave by name.
      assert.deepEqual(offered((await suggest(bob, roomId, "")).html), ["room", "carol", "alice", "dave"]);
      // Carol asks: Bob wrote before her; Alice and Dave never did.
      assert.deepEqual(offered((await suggest(carol, roomId, "")).html), ["room", "bob", "alice", "dave"]);
    });

    test("each option carries its id, avatar, name and @username, with the name escaped", async () => {
      const [bobId, ivyId] = (
        await server.deps.db
          .select({ id: users.id })
          .from(users)
          .where(inArray(users.username, ["bob", "ivy"]))
          .orderBy(users.id)
      ).map((u) => u.id);
      const page = await suggest(alice, defaultRoom, "b");
      assert.match(
        page.html,
        new RegExp(
          `<li id="mention-option-${bobId}" role="option" aria-selected="false" data-username="bob" class="mention-option">\\s*` +
            `<span class="avatar avatar-${bobId! % 8}" aria-hidden="true">BS</span>\\s*` +
            `<span class="mention-name">Bob Stone</span>\\s*<span class="mention-username">@bob</span>\\s*</li>`,
        ),
      );
      const ivy = (await suggest(alice, defaultRoom, "ivy")).html;
      assert.deepEqual(offered(ivy), ["ivy"]);
      assert.match(ivy, new RegExp(`id="mention-option-${ivyId}"`));
      assert.match(ivy, /Ivy &lt;b&gt;Bold&lt;\/b&gt;/);
      assert.doesNotMatch(ivy, /<b>/);
    });

    test("filters by the start of the username, of the display name, or of a word in it, in any case", async () => {
      assert.deepEqual(offered((await suggest(alice, roomId, "CA")).html), ["carol"]);
      assert.deepEqual(offered((await suggest(alice, roomId, "stone")).html), ["bob"], "a word inside the name");
      assert.deepEqual(offered((await suggest(alice, roomId, "young")).html), ["dave"]);
      assert.deepEqual(offered((await suggest(alice, roomId, "arol")).html), [], "not the middle of a word");
      assert.deepEqual(offered((await suggest(alice, roomId, "bob s")).html), ["bob"], "the name with its space");
      assert.deepEqual(offered((await suggest(alice, roomId, "alice")).html), [], "never the asker");
      assert.deepEqual(offered((await suggest(alice, roomId, "x")).html), [], "only the room's members");
      assert.deepEqual(offered((await suggest(alice, defaultRoom, "x")).html), ["x_ray", "xoray"]);
    });

    test("%, _ and \\ in the query are literal characters", async () => {
      assert.deepEqual(offered((await suggest(alice, defaultRoom, "x_")).html), ["x_ray"]);
      assert.deepEqual(offered((await suggest(alice, defaultRoom, "100%")).html), ["pct"]);
      assert.deepEqual(offered((await suggest(alice, defaultRoom, "%")).html), []);
      assert.deepEqual(offered((await suggest(alice, defaultRoom, "_")).html), []);
      const backslash = await suggest(alice, defaultRoom, "\\");
      assert.equal(backslash.status, 200);
      assert.deepEqual(offered(backslash.html), []);
    });

    test("at most 8 members; @room only where the room is small enough, or to an administrator", async () => {
      // The default room: eleven people, ten besides Bob, past ROOM_MENTION_MAX_MEMBERS.
      const all = offered((await suggest(bob, defaultRoom, "")).html);
      assert.equal(all.length, 8);
      assert.equal(all[0], "dave", "the one who wrote there comes first");
      assert.ok(!all.includes("room"));
      assert.deepEqual(offered((await suggest(bob, defaultRoom, "ro")).html), []);
      // Alice, the first to sign up, is the administrator: she may tell a room of any size.
      assert.deepEqual(offered((await suggest(alice, defaultRoom, "ro")).html), ["room"]);
      assert.deepEqual(offered((await suggest(alice, roomId, "RO")).html), ["room"]);
      assert.deepEqual(offered((await suggest(alice, roomId, "room")).html), ["room"]);
      assert.deepEqual(offered((await suggest(alice, roomId, "rooms")).html), []);
    });

    test("the ranking looks at the room's newest 1,000 messages: an earlier writer counts as one who never wrote", async () => {
      const window = await alice.createRoom("Window");
      for (const who of [bob, carol, dave]) await who.joinRoom(window);
      assert.equal((await dave.post(`/rooms/${window}/messages`, { body: "long ago" }, htmx)).status, 204);
      assert.deepEqual(offered((await suggest(alice, window, "")).html), ["room", "dave", "bob", "carol"]);
      const [{ id: bobId }] = (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "bob"))) as [
        { id: number },
      ];
      await server.deps.db
        .insert(messages)
        .values(Array.from({ length: RANKING_WINDOW }, (_, i) => ({ roomId: window, authorId: bobId, body: `bob ${i}` })));
      // Dave's message is now the 1,001st newest: he is ranked with Carol, who never wrote, by name.
      assert.deepEqual(offered((await suggest(alice, window, "")).html), ["room", "bob", "carol", "dave"]);
    });

    test("a direct conversation offers the other person, never @room", async () => {
      const [{ id: bobId }] = (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "bob"))) as [
        { id: number },
      ];
      const opened = await alice.post("/conversations", { with: String(bobId) });
      const direct = Number(/^\/rooms\/(\d+)$/.exec(opened.location ?? "")?.[1]);
      assert.ok(direct > 0);
      assert.deepEqual(offered((await suggest(alice, direct, "")).html), ["bob"]);
      assert.deepEqual(offered((await suggest(alice, direct, "r")).html), []);
    });

    test("a room the asker is not in, or that does not exist, is not found; a query too long is refused, not a failure", async () => {
      const elsewhere = await carol.createRoom("Carol's own");
      assert.equal((await suggest(alice, elsewhere, "")).status, 404);
      assert.equal((await suggest(alice, 999_999, "")).status, 404);
      assert.equal((await alice.get("/rooms/nope/mention-suggestions?q=a", htmx)).status, 404);
      const long = await suggest(alice, roomId, "a".repeat(65));
      assert.equal(long.status, 422);
      assert.deepEqual(offered(long.html), []);
      assert.equal((await suggest(alice, roomId, "a".repeat(64))).status, 200);
      assert.equal((await alice.get(`/rooms/${roomId}/mention-suggestions?q=a&q=b`, htmx)).status, 422);
      assert.equal((await suggest(alice, roomId, "a\u0000")).status, 422);
    });
  });
}
