import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { asc, eq } from "drizzle-orm";
import { messageMentions, messages, users } from "../../src/db/schema.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { newestMessageIn, postedBy, startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };

for (const kind of databaseKinds()) {
  describe(`mentions on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let dave: Visitor;
    let roomId: number;
    let ids: Record<string, number>;
    const pool = socketPool();
    before(async () => {
      // A room of three may say @room; one of four (with Dave) may not, but for an administrator.
      server = await startTestServer(kind, { ROOM_MENTION_MAX_MEMBERS: "3" });
      [alice, bob, carol, dave] = (await people(server.url, "alice", "bob", "carol", "dave")) as [Visitor, Visitor, Visitor, Visitor];
      roomId = await bob.createRoom("Mentions");
      await alice.joinRoom(roomId);
      await carol.joinRoom(roomId);
      const rows = await server.deps.db.select({ id: users.id, username: users.username }).from(users);
      ids = Object.fromEntries(rows.map((r) => [r.username, r.id]));
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const post = (who: Visitor, body: string, room = roomId) => postedBy(server, who, room, body, { statuses: [200, 204] });
    const mentioned = async (messageId: number) =>
      (
        await server.deps.db
          .select({ userId: messageMentions.userId, everyone: messageMentions.everyone })
          .from(messageMentions)
          .where(eq(messageMentions.messageId, messageId))
          .orderBy(asc(messageMentions.userId))
      ).map((r) => ({ ...r }));
    const bodyHtml = async (messageId: number) =>
      (await server.deps.db.select({ html: messages.bodyHtml }).from(messages).where(eq(messages.id, messageId)))[0]!.html!;

    test("@username of a member is stored and shown as their name; in code, links, words or of strangers it is text", async () => {
      const id = await post(bob, "hey @Carol, see `@alice` and [@alice](https://example.org) and bob@example.org and @nobody and @dave");
      assert.deepEqual(await mentioned(id), [{ userId: ids.carol, everyone: false }]);
      const html = await bodyHtml(id);
      assert.match(html, /<span class="mention" data-mention="\d+" title="@Carol">@Carol<\/span>/);
      assert.match(html, /<code>@alice<\/code>/);
      assert.match(html, /@nobody and @dave/);
      assert.doesNotMatch(html, /data-mention="[^"]*"[^>]*>@(alice|dave|nobody)/);
    });

    test("the author mentioning themselves is no mention, and hostile names stay text", async () => {
      const id = await post(bob, '@bob @<script>alert(1)</script> @"><img src=x> @carol.');
      assert.deepEqual(await mentioned(id), [{ userId: ids.carol, everyone: false }]);
      const html = await bodyHtml(id);
      assert.doesNotMatch(html, /<script|<img/);
      assert.match(html, />@Carol<\/span>\.<\/p>$/);
    });

    test("@room mentions every member but the author, less those who mute it; refused (422, draft kept) in a room too large", async () => {
      await server.deps.db.update(users).set({ muteRoomMentions: true }).where(eq(users.id, ids.carol!));
      const id = await post(bob, "@room lunch? @carol too");
      // Carol mutes @room, but her own name still mentions her.
      assert.deepEqual(await mentioned(id), [
        { userId: ids.alice, everyone: true },
        { userId: ids.carol, everyone: false },
      ]);
      const quiet = await post(bob, "@room again");
      assert.deepEqual(await mentioned(quiet), [{ userId: ids.alice, everyone: true }]);
      await server.deps.db.update(users).set({ muteRoomMentions: false }).where(eq(users.id, ids.carol!));

      await dave.joinRoom(roomId);
      const before = await newestMessageIn(server.deps.db, roomId);
      const refused = await bob.post(`/rooms/${roomId}/messages`, { body: "@room everyone!" }, htmx);
      assert.equal(refused.status, 422);
      assert.match(refused.html, /only an administrator may use it in a room of more than 3 people/);
      assert.match(refused.html, /@room everyone!<\/textarea>/);
      assert.equal(await newestMessageIn(server.deps.db, roomId), before);
      // Alice signed up first: the administrator may.
      const announced = await post(alice, "@room the room is too big");
      assert.deepEqual(
        (await mentioned(announced)).map((m) => m.userId),
        [ids.bob, ids.carol, ids.dave],
      );
    });

    test("an edit changes whom a message mentions; a deletion takes its mentions", async () => {
      const id = await post(bob, "for @alice");
      await carol.get("/rooms");
      const carolHome = await pool.open(carol);
      const aliceHome = await pool.open(alice);
      const edit = await bob.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "for @carol, not alice" }, htmx);
      assert.equal(edit.status, 200, edit.html);
      assert.deepEqual(await mentioned(id), [{ userId: ids.carol, everyone: false }]);
      // Both their "@" counts changed: each gets their sidebar again.
      const sidebar = (p: string) => p.includes('hx-swap-oob="innerHTML:#room-list"');
      const [toCarol] = await carolHome.waitFor(1, 2000, sidebar);
      assert.match(toCarol!, new RegExp(`id="room-row-${roomId}"[^]*?mention-count`));
      await aliceHome.waitFor(1, 2000, sidebar);
      assert.match(await bodyHtml(id), /@Carol<\/span>, not alice/);
      const gone = await bob.post(`/rooms/${roomId}/messages/${id}/delete`, {}, htmx);
      assert.equal(gone.status, 200, gone.html);
      assert.deepEqual(await mentioned(id), []);
    });

    test("naming someone not in the room stores no mention and tells the author, who may add them to a private room", async () => {
      const hush = await bob.createRoom("Hush", { private: "on" });
      await bob.openRoom(hush);
      const sent = await bob.post(`/rooms/${hush}/messages`, { body: "@carol and @alice, see this" }, htmx);
      assert.equal(sent.status, 200);
      assert.equal(sent.headers.get("parley-composer"), "sent");
      assert.equal(sent.headers.get("hx-reswap"), "none");
      assert.match(sent.html, /^<div hx-swap-oob="innerHTML:#composer-notice">/);
      assert.match(sent.html, /Alice \(@alice\) is not in this room, so they were not notified\./);
      assert.match(
        sent.html,
        /<input type="hidden" name="username" value="carol">\s*<button type="submit" class="btn-secondary">Add Carol to this room<\/button>/,
      );
      assert.deepEqual(await mentioned(await newestMessageIn(server.deps.db, hush)), []);
      // Without script: back to the room, which says the same; the address alone names nobody who is there.
      const plain = await bob.post(`/rooms/${hush}/messages`, { body: "@alice?" });
      assert.equal(plain.status, 303);
      assert.equal(plain.location, `/rooms/${hush}?absent=alice#composer`);
      const page = await bob.get(`/rooms/${hush}?absent=alice,bob,nobody,${"x".repeat(40)}`);
      assert.match(page.html, /Alice \(@alice\) is not in this room/);
      assert.doesNotMatch(page.html, /\(@(bob|nobody|x+)\) is not in this room/);
      // With nobody to name, the region is empty, so the page hides it.
      assert.match((await bob.get(`/rooms/${hush}`)).html, /<div id="composer-notice" role="status" class="composer-notice"><\/div>/);
      // In a public room nobody is added by a member: they are only told.
      const open = await bob.post(`/rooms/${roomId}/messages`, { body: "hi @eve" }, htmx);
      assert.equal(open.status, 204);
    });

    test("the mentioned person's page marks it, live and on the page; nobody else's does", async () => {
      await alice.openRoom(roomId);
      await carol.openRoom(roomId);
      const aliceTab = await pool.open(alice, roomId);
      const carolTab = await pool.open(carol, roomId);
      const bobTab = await pool.open(bob, roomId);
      const id = await post(bob, "a question for @alice");
      const mark = /class="mentions-you"/;
      const isIt = (push: string) => push.includes(`id="message-${id}"`);
      // Counted from each socket's opening: the push may be in before the post's answer.
      const pushed = async (tab: typeof aliceTab) => (await tab.waitFor(1, 2000, isIt))[0]!;
      assert.match(await pushed(aliceTab), mark);
      assert.doesNotMatch(await pushed(carolTab), mark);
      assert.doesNotMatch(await pushed(bobTab), mark);
      const page = await alice.openRoom(roomId);
      const li = page.html.slice(page.html.indexOf(`id="message-${id}"`));
      assert.match(li.slice(0, li.indexOf("</li>")), mark);
      const carolPage = await carol.openRoom(roomId);
      const other = carolPage.html.slice(carolPage.html.indexOf(`id="message-${id}"`));
      assert.doesNotMatch(other.slice(0, other.indexOf("</li>")), mark);
    });
  });
}
