import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq } from "drizzle-orm";
import { messages } from "../../src/db/schema.js";
import { renderBody } from "../../src/formatting/markdown.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
const isMessage = (push: string) => push.startsWith('<div hx-swap-oob="beforeend:#messages">');
const bodyOf = (html: string, text: string) =>
  [...html.matchAll(/<div class="message-body[^"]*">([\s\S]*?)<\/div>/g)].map((m) => m[1]!).find((b) => b.includes(text));

for (const kind of databaseKinds()) {
  describe(`formatting on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let roomId: number;
    const pool = socketPool();
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      roomId = await alice.createRoom("Formats");
      await bob.joinRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    const storedHtml = async (body: string) =>
      (
        await server.deps.db
          .select({ html: messages.bodyHtml })
          .from(messages)
          .where(and(eq(messages.roomId, roomId), eq(messages.body, body)))
      )[0]?.html;

    test("Markdown is rendered when the message is written, stored, and served to the page and the push alike", async () => {
      const bobTab = await pool.open(bob, roomId);
      await alice.openRoom(roomId);
      const body = "**bold** and `code`\n```\nkeep   spaces\n```";
      assert.equal((await alice.post(`/rooms/${roomId}/messages`, { body }, htmx)).status, 204);
      const [push] = await bobTab.waitFor(1, 2000, isMessage);
      const expected = '<p><strong>bold</strong> and <code>code</code></p>\n<pre tabindex="0"><code>keep   spaces\n</code></pre>';
      assert.equal(await storedHtml(body), expected);
      assert.equal(bodyOf(push!, "bold"), expected);
      assert.equal(bodyOf((await bob.openRoom(roomId)).html, "bold"), expected);
    });

    test("hostile bodies arrive as inert text in the page", async () => {
      await alice.openRoom(roomId);
      const hostile = [
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "![pic](https://example.org/p.png)",
        "# shouting",
      ];
      for (const body of hostile) assert.equal((await alice.post(`/rooms/${roomId}/messages`, { body })).status, 303);
      const page = (await bob.openRoom(roomId)).html;
      assert.doesNotMatch(page, /<script>alert|<img src=x|href="javascript:/);
      assert.match(bodyOf(page, "alert(&quot;x&quot;)")!, /^<p>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/p>$/);
      assert.equal(bodyOf(page, "shouting"), "<p># shouting</p>");
      assert.equal(bodyOf(page, "click"), "<p>[click](javascript:alert(1))</p>");
    });

    test("a message stored before formatting (no HTML kept) is rendered when shown, and its HTML stored then", async () => {
      await alice.openRoom(roomId);
      const body = "from *before* formatting";
      const gone = "deleted before formatting";
      await alice.post(`/rooms/${roomId}/messages`, { body });
      await alice.post(`/rooms/${roomId}/messages`, { body: gone });
      const [deleted] = await server.deps.db.select({ id: messages.id }).from(messages).where(eq(messages.body, gone));
      assert.equal((await alice.post(`/rooms/${roomId}/messages/${deleted!.id}/delete`, {}, htmx)).status, 200);
      await server.deps.db.update(messages).set({ bodyHtml: null }).where(eq(messages.roomId, roomId));
      assert.equal(await storedHtml(body), null);

      assert.equal(bodyOf((await bob.openRoom(roomId)).html, "before"), renderBody(body));
      assert.equal(renderBody(body), "<p>from <em>before</em> formatting</p>");
      // Stored by that page, for every one after; the tombstone keeps none.
      assert.equal(await storedHtml(body), renderBody(body));
      const [tombstone] = await server.deps.db.select({ html: messages.bodyHtml }).from(messages).where(eq(messages.id, deleted!.id));
      assert.equal(tombstone!.html, null);
      assert.equal(bodyOf((await alice.openRoom(roomId)).html, "before"), renderBody(body));
    });
  });
}
