import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

for (const kind of databaseKinds()) {
  describe(`the Unread page on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor;
    let zebra: number, aardvark: number;
    const pool = socketPool();
    const post = async (room: number, body: string) => {
      await alice.openRoom(room);
      await alice.post(`/rooms/${room}/messages`, { body });
    };

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      zebra = await alice.createRoom("zebra");
      aardvark = await alice.createRoom("aardvark");
      for (const room of [zebra, aardvark]) await bob.joinRoom(room);
      await post(zebra, "z1");
      await post(aardvark, "a1");
      await post(zebra, "z2");
      await post(aardvark, "a2 <b>bold?</b>");
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("lists every unread message by room, oldest first, each linking to its place", async () => {
      const page = await bob.get("/unread");
      assert.equal(page.status, 200);
      const order = [...page.html.matchAll(/<div class="message-body"><p>([^<]*)<\/p><\/div>/g)].map((m) => m[1]);
      assert.deepEqual(order, ["a1", "a2 &lt;b&gt;bold?&lt;/b&gt;", "z1", "z2"]);
      assert.match(
        page.html,
        new RegExp(
          `<h2 id="unread-room-${aardvark}"[^>]*><a href="/rooms/${aardvark}" class="link[^"]*">.*aardvark</a> <span[^>]*>\\(2 unread\\)`,
        ),
      );
      assert.match(page.html, new RegExp(`href="/rooms/${zebra}#message-\\d+" class="link[^"]*">View in room`));
      assert.doesNotMatch((await alice.get("/unread")).html, /message-body/, "my own messages are never unread");
    });

    test("'Mark room as read' clears one room and comes back here; others hear it live", async () => {
      const otherTab = await pool.open(bob);
      await bob.get("/unread");
      const res = await bob.post(`/rooms/${zebra}/read`, { next: "/unread" });
      assert.equal(res.location, "/unread");
      const page = await bob.get("/unread");
      assert.doesNotMatch(page.html, /unread-room-\d+"[^>]*>.*zebra/);
      assert.match(page.html, /a1/);
      // Zebra is read now, so Bob's activity-sorted section comes again in its new order.
      const [push] = await otherTab.waitFor(1, 2000, (p) => p.includes(`room-row-${zebra}`));
      const row = new RegExp(`<li id="room-row-${zebra}"><a.*?</li>`).exec(push!)?.[0];
      assert.ok(row, "zebra's row is in the push");
      assert.doesNotMatch(row, /unread-count/);
      otherTab.close();
    });

    test("'Mark unread from here' moves the pointer back to just before a message, with or without script", async () => {
      await bob.get("/unread");
      await bob.post("/unread/read-all");
      const ids = [...(await bob.openRoom(aardvark)).html.matchAll(/id="message-(\d+)"/g)].map((m) => Number(m[1]));
      assert.match(
        (await bob.openRoom(aardvark)).html,
        new RegExp(
          `<a href="/rooms/${aardvark}/messages/${ids[1]}/unread" hx-post="/rooms/${aardvark}/messages/${ids[1]}/unread" hx-swap="none" class="message-action">Mark unread from here</a>`,
        ),
      );

      const otherTab = await pool.open(bob);
      const htmx = await bob.post(`/rooms/${aardvark}/messages/${ids[1]}/unread`, {}, { "hx-request": "true" });
      assert.equal(htmx.status, 204);
      const [push] = await otherTab.waitFor(1, 2000, (p) => p.includes(`room-row-${aardvark}`));
      assert.match(push!, /<span class="unread-count">1</);
      otherTab.close();

      const confirm = await bob.get(`/rooms/${aardvark}/messages/${ids[0]}/unread`);
      assert.match(confirm.html, /<h1[^>]*>Mark as unread\?<\/h1>/);
      const plain = await bob.post(`/rooms/${aardvark}/messages/${ids[0]}/unread`);
      assert.equal(plain.location, "/unread");
      const page = await bob.get("/unread");
      assert.deepEqual(
        [...page.html.matchAll(/<div class="message-body"><p>([^<]*)<\/p><\/div>/g)].map((m) => m[1]),
        ["a1", "a2 &lt;b&gt;bold?&lt;/b&gt;"],
      );

      assert.equal((await bob.post(`/rooms/${zebra}/messages/${ids[0]}/unread`)).status, 404, "the message must be in the room");
      const eve = new Visitor(server.url);
      await eve.signUp("eve");
      await eve.get("/rooms");
      assert.equal((await eve.post(`/rooms/${aardvark}/messages/${ids[0]}/unread`)).status, 404, "only members");
    });

    test("'Mark all as read' clears everything", async () => {
      await post(zebra, "z3");
      await bob.get("/unread");
      assert.equal((await bob.post("/unread/read-all")).location, "/unread");
      const page = await bob.get("/unread");
      assert.match(page.html, /You are all caught up\./);
      assert.match(page.html, /<title>Unread · Parley<\/title>/);
    });
  });
}
