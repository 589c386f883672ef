import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { count, eq } from "drizzle-orm";
import { messages } from "../../src/db/schema.js";
import { people, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const clientIdOf = (html: string) => /<input type="hidden" name="clientId" value="([^"]*)">/.exec(html)?.[1] ?? "";

for (const kind of databaseKinds()) {
  describe(`messages on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let roomId: number;
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      roomId = await alice.createRoom("Talk");
      await bob.joinRoom(roomId);
    });
    after(() => server.stop());

    const stored = async () => (await server.deps.db.select({ n: count() }).from(messages).where(eq(messages.roomId, roomId)))[0]!.n;

    test("without JavaScript a message is posted and the room page shows it after the redirect", async () => {
      await alice.openRoom(roomId);
      const res = await alice.post(`/rooms/${roomId}/messages`, { body: "  Hello,\r\nworld  " });
      assert.equal(res.status, 303);
      assert.equal(res.location, `/rooms/${roomId}#composer`);
      const page = await bob.openRoom(roomId);
      assert.match(
        page.html,
        /<span class="message-author font-semibold">Alice<\/span> <a href="\/rooms\/\d+\/messages\/\d+#message-\d+" class="permalink"><time data-local-time datetime="\d{4}-\d\d-\d\dT[^"]+Z"/,
      );
      assert.match(page.html, /<div class="message-body"><p>Hello,<br>\nworld<\/p><\/div>/);
    });

    test("without JavaScript the form's empty description field goes with a text message; a description without an image is refused", async () => {
      await alice.openRoom(roomId);
      const before = await stored();
      const plain = await alice.post(`/rooms/${roomId}/messages`, { body: "no picture", alt: "" });
      assert.equal(plain.status, 303);
      const described = await alice.post(`/rooms/${roomId}/messages`, { body: "where is it?", alt: "A red kite" });
      assert.equal(described.status, 422);
      assert.match(described.html, /Attach the image this description is for, or leave the description empty\./);
      assert.match(described.html, /where is it\?/, "the text comes back to be sent again");
      assert.equal(await stored(), before + 1);
    });

    test("with htmx the post answers 204 and renders nothing twice", async () => {
      await alice.openRoom(roomId);
      const res = await alice.post(`/rooms/${roomId}/messages`, { body: "via htmx" }, { "hx-request": "true" });
      assert.equal(res.status, 204);
      assert.equal(res.html, "");
    });

    test("HTML in a body comes back escaped and URLs become links", async () => {
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, {
        body: `<script>alert("x")</script> <img src=x onerror=alert(1)> see https://example.com/a?b=1&c=<2> javascript:alert(1)`,
      });
      const html = (await bob.openRoom(roomId)).html;
      assert.doesNotMatch(html, /<script>alert/);
      assert.doesNotMatch(html, /<img src=x/);
      assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &lt;img src=x onerror=alert\(1\)&gt;/);
      assert.match(
        html,
        /<a href="https:\/\/example.com\/a\?b=1&amp;c=" class="link" rel="noopener noreferrer nofollow ugc" target="_blank">https:\/\/example.com\/a\?b=1&amp;c=<\/a>&lt;2&gt;/,
      );
      assert.doesNotMatch(html, /href="javascript:/);
    });

    test("an empty or too long body is refused with a clear error and nothing is stored", async () => {
      const before = await stored();
      await alice.openRoom(roomId);
      const empty = await alice.post(`/rooms/${roomId}/messages`, { body: " \n\t " });
      assert.equal(empty.status, 422);
      assert.match(empty.html, /id="composer-error"[^>]*>Write a message first\./);
      assert.match(empty.html, /id="composer-body"[^>]*aria-describedby="composer-error"/);

      const long = "x".repeat(4001);
      const tooLong = await alice.post(`/rooms/${roomId}/messages`, { body: long }, { "hx-request": "true" });
      assert.equal(tooLong.status, 422);
      assert.match(tooLong.html, /^<form id="composer"/, "htmx gets the composer back, not a page");
      assert.match(tooLong.html, /A message can be at most 4000 characters\./);
      assert.ok(tooLong.html.includes(`>${long}</textarea>`), "the text is kept");

      const exactly = await alice.post(`/rooms/${roomId}/messages`, { body: "y".repeat(4000) });
      assert.equal(exactly.status, 303);
      assert.equal(await stored(), before + 1);
    });

    test("the room page shows the latest 50 messages, oldest first", async () => {
      const room = await alice.createRoom("Busy");
      await alice.openRoom(room);
      for (let i = 1; i <= 55; i++) await alice.post(`/rooms/${room}/messages`, { body: `number ${i}` });
      const html = (await alice.openRoom(room)).html;
      const shown = [...html.matchAll(/<div class="message-body"><p>number (\d+)<\/p><\/div>/g)].map((m) => Number(m[1]));
      assert.deepEqual(
        shown,
        Array.from({ length: 50 }, (_, i) => i + 6),
      );
    });

    test("non-members cannot post and get 404", async () => {
      const outsider = new Visitor(server.url);
      await outsider.signUp("outsider");
      await outsider.get("/rooms");
      const before = await stored();
      const res = await outsider.post(`/rooms/${roomId}/messages`, { body: "let me in" });
      assert.equal(res.status, 404);
      assert.equal(await stored(), before);
    });

    test("a message sent twice with its composer's client id is stored and delivered once, and answered alike", async () => {
      const bobRoom = bob.socket(roomId);
      await bobRoom.opened;
      try {
        const before = await stored();
        const id = clientIdOf((await alice.openRoom(roomId)).html);
        const first = await alice.post(`/rooms/${roomId}/messages`, { body: "only once, please", clientId: id });
        const again = await alice.post(`/rooms/${roomId}/messages`, { body: "only once, please", clientId: id });
        assert.deepEqual([first.status, first.location], [303, `/rooms/${roomId}#composer`]);
        assert.deepEqual([again.status, again.location], [first.status, first.location]);
        const viaHtmx = await alice.post(
          `/rooms/${roomId}/messages`,
          { body: "only once, please", clientId: id },
          { "hx-request": "true" },
        );
        assert.equal(viaHtmx.status, 204);
        assert.equal(await stored(), before + 1);
        // A later message, once it has arrived, shows that no second delivery of the first is on its way.
        await alice.post(`/rooms/${roomId}/messages`, { body: "and then this", clientId: randomUUID() });
        await bobRoom.waitFor(1, 3000, (p) => p.includes("and then this"));
        assert.equal(bobRoom.received.filter((p) => p.includes("only once, please")).length, 1);
        assert.equal(await stored(), before + 2);
      } finally {
        bobRoom.close();
      }
    });

    test("two sends of one message racing each other store it once", async () => {
      const before = await stored();
      const id = clientIdOf((await alice.openRoom(roomId)).html);
      const answers = await Promise.all([1, 2, 3].map(() => alice.post(`/rooms/${roomId}/messages`, { body: "raced", clientId: id })));
      assert.deepEqual(
        answers.map((a) => a.status),
        [303, 303, 303],
      );
      assert.equal(await stored(), before + 1);
    });

    test("every composer carries a client id of its own; messages with different ids are different messages", async () => {
      const before = await stored();
      const one = clientIdOf((await alice.openRoom(roomId)).html);
      const two = clientIdOf((await alice.openRoom(roomId)).html);
      assert.notEqual(one, two);
      await alice.post(`/rooms/${roomId}/messages`, { body: "the same words", clientId: one });
      const accepted = await alice.post(`/rooms/${roomId}/messages`, { body: "the same words", clientId: two }, { "hx-request": "true" });
      assert.equal(accepted.status, 204);
      assert.equal(await stored(), before + 2);
      const next = accepted.headers.get("parley-next-client-id");
      assert.match(next ?? "", uuid, "after a send, the page gets the id of its next message");
      assert.ok(next !== one && next !== two);
      // Without script the redirect renders a new composer.
      assert.ok(![one, two].includes(clientIdOf((await alice.openRoom(roomId)).html)));
    });

    test("a refused message keeps its client id; a malformed one is refused and a new one given", async () => {
      const before = await stored();
      const id = clientIdOf((await alice.openRoom(roomId)).html);
      const empty = await alice.post(`/rooms/${roomId}/messages`, { body: " ", clientId: id }, { "hx-request": "true" });
      assert.equal(empty.status, 422);
      assert.equal(clientIdOf(empty.html), id, "the same message, not stored yet");
      const malformed = await alice.post(`/rooms/${roomId}/messages`, { body: "hello", clientId: "not-a-uuid" });
      assert.equal(malformed.status, 422);
      assert.match(malformed.html, /This message form is damaged\. Reload the page and send it again\./);
      assert.match(clientIdOf(malformed.html), uuid);
      assert.equal(await stored(), before);
    });

    test("a body over the size limit is refused with 413", async () => {
      await alice.openRoom(roomId);
      const res = await alice.post(`/rooms/${roomId}/messages`, { body: "z".repeat(70 * 1024) });
      assert.equal(res.status, 413);
    });
  });
}
