import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { utimes } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { eq, inArray } from "drizzle-orm";
import { attachments, messageRevisions, messages, reactions, users } from "../../src/db/schema.js";
import { ORPHAN_GRACE_MS, sweepOrphans } from "../../src/domain/orphans.js";
import { unreadFor } from "../../src/domain/reading.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { makeImage } from "../support/media.js";
import { newestMessageIn, postedBy, startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
const tombstoneOf = (id: number) => (push: string) =>
  push.includes(`id="message-content-${id}"`) && push.includes("This message was deleted.");
const rowOf = (roomId: number) => (push: string) => push.includes(`id="room-row-${roomId}"`);
const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
const anHourAgo = () => new Date(Date.now() - 60 * 60 * 1000);

for (const kind of databaseKinds()) {
  describe(`deleting messages on ${kind}`, () => {
    let server: TestServer;
    /** The first to sign up: the administrator. */
    let alice: Visitor;
    let bob: Visitor;
    let carol: Visitor;
    let dave: Visitor;
    let roomId: number;
    let quiet: number;
    let otherRoom: number;
    const pool = socketPool();
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol, dave] = (await people(server.url, "alice", "bob", "carol", "dave")) as [Visitor, Visitor, Visitor, Visitor];
      roomId = await bob.createRoom("Deletions");
      await alice.joinRoom(roomId);
      await carol.joinRoom(roomId);
      quiet = await carol.createRoom("Quiet");
      otherRoom = await dave.createRoom("Elsewhere");
      for (const who of [alice, bob, carol]) await who.openRoom(roomId);
      await dave.openRoom(otherRoom);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const posted = (who: Visitor, body: string, extra: Record<string, string> = {}) => postedBy(server, who, roomId, body, { extra });
    const row = async (id: number) => (await server.deps.db.select().from(messages).where(eq(messages.id, id)))[0]!;
    const remove = (who: Visitor, id: number, headers = htmx) => who.post(`/rooms/${roomId}/messages/${id}/delete`, {}, headers);

    test("the author deletes: a tombstone stays with no text, versions or reactions, pushed once to every member and to nobody else", async () => {
      const id = await posted(bob, "a *secret* plan");
      await bob.post(`/rooms/${roomId}/messages/${id}/edit`, { body: "a *secret* plan, revised" }, htmx);
      await alice.post(`/rooms/${roomId}/messages/${id}/reactions`, { emoji: "👍" }, htmx);
      const reply = await posted(carol, "answering it", { replyTo: String(id) });
      const tabs = await Promise.all([alice, bob, carol].map((who) => pool.open(who, roomId)));
      const daveTab = await pool.open(dave, otherRoom);

      const done = await remove(bob, id);
      assert.equal(done.status, 200);
      assert.match(done.html, /id="message-content-\d+" class="message-content" hx-swap-oob="outerHTML"/);
      assert.match(done.html, /This message was deleted\./);
      const now = await row(id);
      assert.ok(now.deletedAt);
      assert.equal(now.body, "");
      assert.equal(now.bodyHtml, "");
      assert.equal((await server.deps.db.select().from(messageRevisions).where(eq(messageRevisions.messageId, id))).length, 0);
      assert.equal((await server.deps.db.select().from(reactions).where(eq(reactions.messageId, id))).length, 0);

      for (const tab of tabs) {
        const [push] = await tab.waitFor(1, 2000, tombstoneOf(id));
        assert.doesNotMatch(push!, /secret|👍|data-edit|data-delete|>Reply</);
        assert.doesNotMatch(push!, new RegExp(`id="receipts-${id}"`), "receipts stay as they are");
        assert.match(
          push!,
          new RegExp(
            `<div hx-swap-oob="outerHTML:\\[data-quotes='${id}'\\]"><p class="reply-quote is-deleted[^>]*>.*Original message deleted`,
            "s",
          ),
        );
      }
      // Nothing more for it: sent once each (frames arrive in order, so a later push shows it).
      await posted(bob, "marker");
      for (const tab of tabs) await tab.waitFor(1, 2000, (p) => p.includes("marker"));
      await dave.post(`/rooms/${otherRoom}/messages`, { body: "marker" }, htmx);
      await daveTab.waitFor(1, 2000, (p) => p.includes("marker"));
      for (const tab of tabs) assert.equal(tab.received.filter(tombstoneOf(id)).length, 1);
      assert.equal(daveTab.received.filter((p) => p.includes(`message-content-${id}`)).length, 0);

      const page = await carol.openRoom(roomId);
      assert.doesNotMatch(page.html, /secret/);
      const replyHtml = page.html.slice(page.html.indexOf(`id="message-${reply}"`));
      assert.match(replyHtml, /Original message deleted/, "the reply still says what it answered was deleted");
      // Nothing more can be done with it, by anyone.
      assert.equal((await remove(bob, id)).status, 404);
      assert.equal((await bob.get(`/rooms/${roomId}/messages/${id}/edit`, htmx)).status, 404);
      assert.equal((await alice.post(`/rooms/${roomId}/messages/${id}/reactions`, { emoji: "👍" }, htmx)).status, 404);
      assert.equal((await carol.get(`/rooms/${roomId}/messages/${id}/revisions`)).status, 404);
    });

    test("an administrator may delete anyone's message; another member, a non-member and the wrong room are told 404", async () => {
      const [admin] = await server.deps.db.select({ isAdmin: users.isAdmin }).from(users).where(eq(users.username, "alice"));
      assert.equal(admin!.isAdmin, true);
      const id = await posted(bob, "mind the admin");
      for (const [who, path] of [
        [carol, `/rooms/${roomId}/messages/${id}/delete`],
        [dave, `/rooms/${roomId}/messages/${id}/delete`],
        [bob, `/rooms/${otherRoom}/messages/${id}/delete`],
        [bob, `/rooms/${roomId}/messages/999999999/delete`],
      ] as const) {
        assert.equal((await who.get(path)).status, 404, path);
        assert.equal((await who.post(path, {}, htmx)).status, 404, path);
      }
      assert.equal((await row(id)).deletedAt, null);
      // Only the author and an administrator are offered Delete.
      const link = `href="/rooms/${roomId}/messages/${id}/delete"`;
      assert.ok((await alice.openRoom(roomId)).html.includes(link));
      assert.ok((await bob.openRoom(roomId)).html.includes(link));
      assert.ok(!(await carol.openRoom(roomId)).html.includes(link));
      assert.equal((await remove(alice, id)).status, 200);
      assert.ok((await row(id)).deletedAt);
    });

    test("without script: a confirmation page, then a 303 back to the tombstone", async () => {
      const id = await posted(bob, "delete me <b>plainly</b>");
      const form = await bob.get(`/rooms/${roomId}/messages/${id}/delete`);
      assert.equal(form.status, 200);
      assert.match(form.html, /<h1[^>]*>Delete this message\?<\/h1>/);
      assert.match(form.html, /&lt;b&gt;plainly&lt;\/b&gt;/, "the message is shown as it reads, escaped");
      assert.match(form.html, new RegExp(`<form method="post" action="/rooms/${roomId}/messages/${id}/delete"`));
      assert.match(form.html, new RegExp(`<a href="/rooms/${roomId}/messages/${id}#message-${id}" class="btn-secondary">Cancel</a>`));
      const done = await bob.post(`/rooms/${roomId}/messages/${id}/delete`, { _csrf: csrfIn(form.html) });
      assert.equal(done.status, 303);
      assert.equal(done.location, `/rooms/${roomId}/messages/${id}#message-${id}`);
      const page = await bob.get(done.location);
      const message = page.html.slice(page.html.indexOf(`id="message-${id}"`));
      assert.match(message, /This message was deleted\./);
      assert.doesNotMatch(page.html, /plainly/);
      // A form without its CSRF token deletes nothing.
      const other = await posted(bob, "guarded");
      assert.equal((await bob.post(`/rooms/${roomId}/messages/${other}/delete`, { _csrf: "forged" })).status, 403);
      assert.equal((await row(other)).deletedAt, null);
    });

    test("a deleted message's files leave the store unless another message uses the same bytes", async () => {
      const { files, db } = server.deps;
      const shared = await makeImage("png", 320, 200);
      const own = await makeImage("png", 200, 320);
      const send = async (bytes: Uint8Array, name: string) => {
        await bob.openRoom(roomId);
        const form = new FormData();
        form.set("_csrf", bob.csrf);
        form.append("files", new Blob([bytes]), name);
        const sent = await bob.request(`/rooms/${roomId}/messages`, { method: "POST", headers: { origin: bob.origin }, body: form });
        assert.equal(sent.status, 303);
        return newestMessageIn(db, roomId);
      };
      const first = await send(shared, "one.png");
      const second = await send(shared, "two.png");
      const alone = await send(own, "own.png");
      const filesOf = (ids: number[]) => db.select().from(attachments).where(inArray(attachments.messageId, ids));
      const all = await filesOf([first, second, alone]);
      const hashes = (messageId: number) =>
        all.filter((a) => a.messageId === messageId).flatMap((a) => [a.hash, a.thumbHash].filter((h): h is string => h !== null));
      // Stored a while ago: nothing is on its way to use them.
      for (const hash of new Set(all.flatMap((a) => [a.hash, a.thumbHash!]))) await utimes(files.pathOf(hash), anHourAgo(), anHourAgo());
      const [aloneFile] = all.filter((a) => a.messageId === alone);

      assert.equal((await remove(bob, alone)).status, 200);
      for (const hash of hashes(alone)) assert.equal(existsSync(files.pathOf(hash)), false, "no other message used it");
      assert.equal((await bob.get(`/files/${aloneFile!.id}`)).status, 404);
      assert.equal((await filesOf([alone])).length, 0);

      assert.equal((await remove(bob, first)).status, 200);
      for (const hash of hashes(first)) assert.equal(existsSync(files.pathOf(hash)), true, "the second message still uses it");
      const [secondFile] = all.filter((a) => a.messageId === second);
      assert.equal((await bob.get(`/files/${secondFile!.id}`)).status, 200);

      // Bytes put in the last minute may belong to a post on its way: they are left to the sweep.
      const fresh = await send(await makeImage("png", 240, 240), "fresh.png");
      const [freshFile] = await filesOf([fresh]);
      assert.equal((await remove(bob, fresh)).status, 200);
      assert.equal(existsSync(files.pathOf(freshFile!.hash)), true);
      await utimes(files.pathOf(freshFile!.hash), anHourAgo(), anHourAgo());
      assert.ok((await sweepOrphans(server.deps, new Date(Date.now() + ORPHAN_GRACE_MS))) >= 1);
      assert.equal(existsSync(files.pathOf(freshFile!.hash)), false);
    });

    test("a deleted message no longer counts as unread: counts, the Unread page and the sidebar of open pages follow", async () => {
      // Carol reads everything, then looks at another room of hers, with the sidebar showing this one.
      await carol.openRoom(roomId);
      await carol.post(`/rooms/${roomId}/read`, {}, htmx);
      const carolTab = await pool.open(carol, quiet);
      const first = await posted(bob, "unread one");
      await posted(bob, "unread two");
      const [carolRow] = await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "carol"));
      const counts = async () => (await unreadFor(server.deps, roomId, [carolRow!.id])).get(carolRow!.id)!;
      assert.equal((await counts()).inRoom, 2);
      // Rows are current state: one may give way to the next, but the last says 2.
      await carolTab.waitFor(1, 2000, (p) => rowOf(roomId)(p) && p.includes('unread-count">2<'));

      const recounted = carolTab.next(rowOf(roomId));
      assert.equal((await remove(bob, first)).status, 200);
      const push = await recounted;
      assert.match(push, /<span class="unread-count">1<span class="sr-only"> unread<\/span>/);
      assert.equal((await counts()).inRoom, 1);
      const unread = await carol.get("/unread");
      assert.doesNotMatch(unread.html, /unread one/);
      assert.match(unread.html, /unread two/);
    });
  });
}
