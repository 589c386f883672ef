import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { messageRevisions, messages } from "../../src/db/schema.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { postedBy, startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
const contentSwap = (id: number) => (push: string) =>
  push.includes(`id="message-content-${id}" class="message-content" hx-swap-oob="outerHTML"`);
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

for (const kind of databaseKinds()) {
  describe(`editing messages on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let roomId: number;
    let otherRoom: number;
    const pool = socketPool();
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol] = (await people(server.url, "alice", "bob", "carol")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Edits");
      await bob.joinRoom(roomId);
      otherRoom = await carol.createRoom("Elsewhere");
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const posted = (body: string) => postedBy(server, alice, roomId, body);
    const row = async (id: number) => (await server.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;

    test("the author edits without script: the form page, a 303 to the message, the text and its HTML stored, the old one kept", async () => {
      const id = await posted("teh first *draft*");
      const form = await alice.get(`/rooms/${roomId}/messages/${id}/edit`);
      assert.equal(form.status, 200);
      assert.match(form.html, /<textarea id="edit-body-\d+" name="body"[^>]*>teh first \*draft\*<\/textarea>/);
      const saved = await alice.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "the first **draft**", _csrf: csrfIn(form.html) });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `/rooms/${roomId}/messages/${id}#message-${id}`);
      const now = await row(id);
      assert.equal(now.body, "the first **draft**");
      assert.equal(now.bodyHtml, "<p>the first <strong>draft</strong></p>");
      assert.ok(now.editedAt && now.changeSeq);
      const kept = await server.deps.db.select().from(messageRevisions).where(eq(messageRevisions.messageId, id));
      assert.deepEqual(
        kept.map((r) => r.body),
        ["teh first *draft*"],
      );
      const page = (await bob.openRoom(roomId)).html;
      assert.match(page, new RegExp(`href="/rooms/${roomId}/messages/${id}/revisions" class="message-edited">\\(edited <time`));
      const versions = await bob.get(`/rooms/${roomId}/messages/${id}/revisions`);
      assert.equal(versions.status, 200);
      assert.match(versions.html, /the first <strong>draft<\/strong>[\s\S]*teh first <em>draft<\/em>/);
    });

    test("an edit swaps only the message's content on every member's page, once, and reaches no one else", async () => {
      const id = await posted("before");
      const bobTab = await pool.open(bob, roomId);
      const aliceTab = await pool.open(alice, roomId);
      const carolTab = await pool.open(carol, otherRoom);
      await alice.openRoom(roomId);
      const answer = await alice.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "after" }, htmx);
      assert.equal(answer.status, 200);
      assert.match(answer.html, new RegExp(`^<div id="message-content-${id}" class="message-content"\\s*>`));
      const [push] = await bobTab.waitFor(1, 2000, contentSwap(id));
      assert.match(push!, /<p>after<\/p>/);
      assert.doesNotMatch(push!, /receipts-|reactions-|beforeend:#messages/);
      await aliceTab.waitFor(1, 2000, contentSwap(id));
      // A later post in Carol's own room reaches her: the edit, sent before it, did not.
      await carol.openRoom(otherRoom);
      await carol.post(`/rooms/${otherRoom}/messages`, { body: "mine" }, htmx);
      await carolTab.next((p) => p.includes("mine"));
      assert.equal(carolTab.received.filter((p) => p.includes(`message-content-${id}`)).length, 0);
      // The same text again is no change: nothing stored, nothing pushed.
      const seq = (await row(id)).changeSeq;
      assert.equal((await alice.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "after" }, htmx)).status, 200);
      assert.equal((await row(id)).changeSeq, seq);
      await alice.post(`/rooms/${roomId}/messages`, { body: "marker" }, htmx);
      await bobTab.next((p) => p.includes("marker"));
      assert.equal(bobTab.received.filter(contentSwap(id)).length, 1);
    });

    test("only the author edits: anyone else, member or not, is told the message is not found, and nothing changes", async () => {
      const id = await posted("mine alone");
      await bob.openRoom(roomId);
      for (const who of [bob, carol]) {
        assert.equal((await who.get(`/rooms/${roomId}/messages/${id}/edit`)).status, 404);
        assert.equal((await who.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "hijacked" }, htmx)).status, 404);
      }
      // The message is addressed through its room: the right id under another room is not found.
      assert.equal((await alice.post(`/rooms/${otherRoom}/messages/${id}/edit`, { body: "moved" }, htmx)).status, 404);
      assert.equal((await carol.get(`/rooms/${roomId}/messages/${id}/revisions`)).status, 404);
      assert.equal((await row(id)).body, "mine alone");
    });

    test("empty or too long text is refused with the text kept, without script and in place", async () => {
      const id = await posted("keep me");
      await alice.openRoom(roomId);
      const empty = await alice.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "   " }, htmx);
      assert.equal(empty.status, 422);
      assert.match(empty.html, /<form id="message-editor-\d+"[\s\S]*Write a message first\./);
      const long = "x".repeat(4001);
      const page = await alice.post(`/rooms/${roomId}/messages/${id}/edit`, { body: long });
      assert.equal(page.status, 422);
      assert.match(page.html, /<h1[^>]*>Edit message<\/h1>/);
      assert.ok(page.html.includes(`>${long}</textarea>`));
      assert.equal((await row(id)).body, "keep me");
    });

    test("a deleted message cannot be edited", async () => {
      const id = await posted("gone soon");
      await server.deps.db.update(messages).set({ deletedAt: new Date(), body: "" }).where(eq(messages.id, id));
      await alice.openRoom(roomId);
      assert.equal((await alice.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "back" }, htmx)).status, 404);
    });
  });
}
