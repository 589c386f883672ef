import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { memberships, users } from "../../src/db/schema.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
/** The sidebar row of a room in a page or a push, up to its end (the last: a move deletes the old one first). */
const rowOf = (html: string, roomId: number) => {
  const at = html.lastIndexOf(`id="room-row-${roomId}"`);
  return at < 0 ? null : html.slice(at, html.indexOf("</li>", at));
};
const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

for (const kind of databaseKinds()) {
  describe(`notification levels and the sidebar's mentions on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let roomId: number;
    const pool = socketPool();
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol] = (await people(server.url, "alice", "bob", "carol")) as [Visitor, Visitor, Visitor];
      roomId = await bob.createRoom("Levels");
      await alice.joinRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const stored = async (who: string) =>
      (
        await server.deps.db
          .select({ level: memberships.notificationLevel })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(eq(memberships.roomId, roomId), eq(users.username, who)))
      )[0]?.level;

    test("an unread mention shows '@1' on the row, said in words, live and on the page; the title puts it first; reading clears it", async () => {
      await alice.get("/rooms");
      const home = await pool.open(alice);
      assert.equal((await bob.post(`/rooms/${roomId}/messages`, { body: "ping @alice" }, htmx)).status, 204);
      const [push] = await home.waitFor(1, 2000, (p) => rowOf(p, roomId)?.includes("mention-count") ?? false);
      assert.match(rowOf(push!, roomId)!, /<span aria-hidden="true">@<\/span>1<span class="sr-only"> mention of you<\/span>/);
      assert.match(push!, /data-title-prefix="\(@1 · 1\) "/);
      const page = await alice.get("/rooms");
      assert.match(rowOf(page.html, roomId)!, /1<span class="sr-only"> mention of you/);
      assert.equal(titleOf(page.html), "(@1 · 1) Public rooms · Parley");
      // A message without a mention counts as unread, not as a mention.
      await bob.post(`/rooms/${roomId}/messages`, { body: "and another" }, htmx);
      assert.equal(titleOf((await alice.get("/rooms")).html), "(@1 · 2) Public rooms · Parley");
      await alice.openRoom(roomId);
      assert.equal((await alice.post(`/rooms/${roomId}/read`)).status, 303);
      const after = await alice.get("/rooms");
      assert.doesNotMatch(rowOf(after.html, roomId)!, /mention-count/);
      assert.equal(titleOf(after.html), "Public rooms · Parley");
    });

    test("a member chooses a level in the room's header, without script (303) and with htmx (the form again, saying so)", async () => {
      const room = await alice.openRoom(roomId);
      assert.match(room.html, /<summary class="btn-secondary">Notifications<\/summary>/);
      assert.match(room.html, /<option value="mentions" selected>Mentions of me<\/option>/);
      const saved = await alice.post(`/rooms/${roomId}/notifications`, { level: "everything", return: "room" });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `/rooms/${roomId}`);
      assert.equal(await stored("alice"), "everything");
      const swapped = await alice.post(`/rooms/${roomId}/notifications`, { level: "mentions", return: "room" }, htmx);
      assert.equal(swapped.status, 200);
      assert.match(swapped.html, /<p role="status" class="text-sm">Saved: Mentions of me\.<\/p>/);
      // The default is stored as none: the room kind's default.
      assert.equal(await stored("alice"), null);
    });

    test("a bad level is refused by name, a room not theirs is not found, and nothing is saved without the token", async () => {
      await carol.get("/rooms");
      const bad = await alice.post(`/rooms/${roomId}/notifications`, { level: "loud" });
      assert.equal(bad.status, 422);
      assert.match(bad.html, /Choose what to be notified of/);
      assert.equal((await carol.post(`/rooms/${roomId}/notifications`, { level: "nothing" })).status, 404);
      assert.equal((await alice.post(`/rooms/999999/notifications`, { level: "nothing" })).status, 404);
      const forged = await alice.request(`/rooms/${roomId}/notifications`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: alice.origin },
        body: "level=nothing",
      });
      assert.equal(forged.status, 403);
      assert.equal(await stored("alice"), null);
    });

    test("Settings lists every room and conversation with its level (conversations default to every message), and mutes @room", async () => {
      await alice.get("/people");
      const conversation = await alice.post("/conversations", { with: String(await idOf("bob")) });
      assert.ok([302, 303].includes(conversation.status), String(conversation.status));
      const settings = await alice.get("/settings");
      assert.match(settings.html, /<label for="level-\d+" class="notification-level-label">#Levels<\/label>/);
      assert.match(
        settings.html,
        /<label for="level-\d+" class="notification-level-label">Bob<\/label>[\s\S]*?<option value="everything" selected>/,
      );
      const saved = await alice.post("/settings", { sidebarOrder: "activity", muteRoomMentions: "on" });
      assert.equal(saved.status, 303);
      const [me] = await server.deps.db.select({ mute: users.muteRoomMentions }).from(users).where(eq(users.username, "alice"));
      assert.equal(me!.mute, true);
      assert.match((await alice.get("/settings")).html, /id="muteRoomMentions"[^>]* checked/);
    });

    test("a hidden room leaves the sidebar, comes back live while someone's mention of them is unread, and goes when it is read", async () => {
      await alice.post(`/rooms/${roomId}/notifications`, { level: "hidden", return: "settings" });
      assert.equal(rowOf((await alice.get("/rooms")).html, roomId), null);
      const home = await pool.open(alice);
      await bob.post(`/rooms/${roomId}/messages`, { body: "no mention: stays hidden" }, htmx);
      await bob.post(`/rooms/${roomId}/messages`, { body: "@alice come back" }, htmx);
      const sections = (listed: boolean) => (p: string) =>
        p.includes('hx-swap-oob="innerHTML:#room-list"') && (rowOf(p, roomId) !== null) === listed;
      const [section] = await home.waitFor(1, 2000, sections(true));
      // The message without a mention sent nothing to her pages (it went first: frames keep their order).
      assert.equal(home.received.filter(sections(false)).length, 0);
      assert.match(rowOf(section!, roomId)!, /mention of you/);
      assert.equal(home.received.filter((p) => p.includes("no mention: stays hidden")).length, 0);
      const unlisted = home.received.filter(sections(false)).length;
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/read`);
      await home.waitFor(unlisted + 1, 2000, sections(false));
      assert.equal(rowOf((await alice.get("/rooms")).html, roomId), null);
    });

    async function idOf(username: string): Promise<number> {
      const [row] = await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, username));
      return row!.id;
    }
  });
}
