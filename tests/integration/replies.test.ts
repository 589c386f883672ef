import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { messages } from "../../src/db/schema.js";
import { QUOTED_CHARS } from "../../src/domain/sql/messages.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
const isMessage = (push: string) => push.startsWith('<div hx-swap-oob="beforeend:#messages">');
const quoteOf = (html: string, text: string) =>
  [...html.matchAll(/<(a|p) [^>]*class="reply-quote[^"]*"[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => m[0]).find((q) => q.includes(text));

for (const kind of databaseKinds()) {
  describe(`replies on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let roomId: number;
    let otherRoomId: number;
    const pool = socketPool();
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol] = (await people(server.url, "alice", "bob", "carol")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Replies");
      otherRoomId = await alice.createRoom("Elsewhere");
      await bob.joinRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const idOf = async (room: number, body: string) =>
      (
        await server.deps.db
          .select({ id: messages.id })
          .from(messages)
          .where(and(eq(messages.roomId, room), eq(messages.body, body)))
      )[0]?.id;
    const posted = async (who: Visitor, room: number, body: string) => {
      await who.openRoom(room);
      assert.equal((await who.post(`/rooms/${room}/messages`, { body })).status, 303);
      return (await idOf(room, body))!;
    };
    const replyToIdOf = async (id: number) =>
      (await server.deps.db.select({ r: messages.replyToId }).from(messages).where(eq(messages.id, id)))[0]?.r;
    const count = async () => (await server.deps.db.select({ id: messages.id }).from(messages)).length;

    test("a reply stores what it answers, and its push and the room page quote the author and first line, linked", async () => {
      const original = await posted(alice, roomId, "Lunch at noon?\nSecond line stays out");
      const aliceTab = await pool.open(alice, roomId);
      await bob.openRoom(roomId);
      const sent = await bob.post(`/rooms/${roomId}/messages`, { body: "Yes please", replyTo: String(original) }, htmx);
      assert.equal(sent.status, 204);
      const reply = (await idOf(roomId, "Yes please"))!;
      assert.equal(await replyToIdOf(reply), original);
      const [push] = await aliceTab.waitFor(1, 2000, isMessage);
      const permalink = `href="/rooms/${roomId}/messages/${original}#message-${original}"`;
      for (const html of [push!, (await alice.openRoom(roomId)).html]) {
        const quote = quoteOf(html, "Lunch at noon?")!;
        assert.ok(quote, "the quote is shown");
        assert.ok(quote.includes(permalink));
        assert.match(quote, /<span class="sr-only">Replying to <\/span><span class="reply-quote-author">Alice<\/span>/);
        assert.doesNotMatch(quote, /Second line/);
      }
      assert.match(push!, /<p id="announcement-\d+">Bob, replying to Alice: Yes please<\/p>/);
    });

    test("a reply to a message of another room, to none, or a damaged one is refused (422) and nothing is stored", async () => {
      const foreign = await posted(alice, otherRoomId, "not here");
      await bob.openRoom(roomId);
      const before = await count();
      for (const replyTo of [String(foreign), "999999999", "abc", "-1"]) {
        const page = await bob.post(`/rooms/${roomId}/messages`, { body: `answer ${replyTo}`, replyTo });
        assert.equal(page.status, 422, replyTo);
        assert.match(page.html, /answer /, "the draft is kept");
      }
      const refused = await bob.post(`/rooms/${roomId}/messages`, { body: "kept", replyTo: String(foreign) }, htmx);
      assert.equal(refused.status, 422);
      assert.match(refused.html, /is not in this room/);
      assert.match(refused.html, />kept<\/textarea>/);
      assert.equal(await count(), before);
    });

    test("a reply to a deleted message is refused; a reply whose original is deleted later says so", async () => {
      const original = await posted(alice, roomId, "soon gone");
      await bob.openRoom(roomId);
      assert.equal((await bob.post(`/rooms/${roomId}/messages`, { body: "before deletion", replyTo: String(original) })).status, 303);
      const reply = (await idOf(roomId, "before deletion"))!;
      await server.deps.db.update(messages).set({ deletedAt: new Date(), body: "", bodyHtml: "" }).where(eq(messages.id, original));
      await bob.openRoom(roomId);
      const refused = await bob.post(`/rooms/${roomId}/messages`, { body: "too late", replyTo: String(original) }, htmx);
      assert.equal(refused.status, 422);
      assert.match(refused.html, /The message you are replying to was deleted\./);
      assert.match(refused.html, />too late<\/textarea>/);
      assert.doesNotMatch(refused.html, /name="replyTo"/, "the quote of a deleted message is not kept");
      assert.equal(await idOf(roomId, "too late"), undefined);
      assert.equal(await replyToIdOf(reply), original);
      const quote = quoteOf((await alice.openRoom(roomId)).html, "Original message deleted");
      assert.ok(quote);
      assert.match(quote, /^<p /, "not a link");
    });

    test("a non-member gets 404 for a reply, the reply slot and the room with ?reply", async () => {
      const original = await posted(alice, roomId, "members only");
      await carol.openRoom(otherRoomId);
      assert.equal((await carol.post(`/rooms/${roomId}/messages`, { body: "intruder", replyTo: String(original) })).status, 404);
      assert.equal((await carol.get(`/rooms/${roomId}/composer/reply?reply=${original}`, htmx)).status, 404);
      assert.equal((await carol.get(`/rooms/${roomId}?reply=${original}`)).status, 404);
      assert.equal(await idOf(roomId, "intruder"), undefined);
    });

    test("without script ?reply= sets the quote and a hidden field; the reply slot is fetched alone with htmx", async () => {
      const original = await posted(alice, roomId, "<script>alert(1)</script> hostile");
      const page = (await bob.get(`/rooms/${roomId}?reply=${original}`)).html;
      assert.match(page, new RegExp(`<input type="hidden" name="replyTo" value="${original}">`));
      assert.match(
        page,
        /Replying to Alice:<\/span> <span class="reply-quote-text">&lt;script&gt;alert\(1\)&lt;\/script&gt; hostile<\/span>/,
      );
      assert.match(page, new RegExp(`href="/rooms/${roomId}#composer"[^>]*data-cancel-reply`));
      assert.doesNotMatch(page, /<script>alert/);
      const slot = await bob.get(`/rooms/${roomId}/composer/reply?reply=${original}`, htmx);
      assert.match(slot.html, /^<div id="composer-reply"/);
      assert.match(slot.html, /name="replyTo"/);
      const plain = await bob.get(`/rooms/${roomId}/composer/reply?reply=${original}`);
      assert.equal(plain.status, 303);
      assert.equal(plain.location, `/rooms/${roomId}?reply=${original}#composer`);
      assert.doesNotMatch((await bob.get(`/rooms/${roomId}?reply=nonsense`)).html, /name="replyTo"/);
      assert.equal((await bob.post(`/rooms/${roomId}/messages`, { body: "escaped?", replyTo: String(original) })).status, 303);
      const quote = quoteOf((await alice.openRoom(roomId)).html, "hostile")!;
      assert.match(quote, /&lt;script&gt;/);
      assert.doesNotMatch(quote, /<script>/);
    });

    test("a long first line is cut with an ellipsis", async () => {
      const long = "x".repeat(QUOTED_CHARS + 40);
      const original = await posted(alice, roomId, long);
      assert.equal((await bob.post(`/rooms/${roomId}/messages`, { body: "long one", replyTo: String(original) })).status, 303);
      const quote = quoteOf((await bob.openRoom(roomId)).html, "x".repeat(10))!;
      assert.match(quote, new RegExp(`>${"x".repeat(QUOTED_CHARS)}…<`));
    });
  });
}
