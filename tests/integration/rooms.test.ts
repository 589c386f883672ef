import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { people, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

for (const kind of databaseKinds()) {
  describe(`rooms on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    before(async () => {
      server = await startTestServer(kind);
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
    });
    after(() => server.stop());

    test("creating a room makes me a member and shows it in my sidebar", async () => {
      const id = await alice.createRoom("Book club", { topic: "What we read <now>" });
      const page = await alice.openRoom(id);
      assert.equal(page.status, 200);
      assert.match(page.html, /<h1 id="room-title"[^>]*>.*Book club/);
      assert.match(page.html, /What we read &lt;now&gt;/);
      assert.match(page.html, new RegExp(`<a href="/rooms/${id}" class="sidebar-link" aria-current="page">`));
      assert.match(page.html, /Members \(1\)/);
    });

    test("a room needs a name; the form keeps what was typed", async () => {
      await alice.get("/rooms/new");
      const page = await alice.post("/rooms", { name: "   ", topic: "kept topic", private: "on" });
      assert.equal(page.status, 422);
      assert.match(page.html, /id="name-error"[^>]*>Give the room a name\./);
      assert.match(page.html, /value="kept topic"/);
      assert.match(page.html, /id="private"[^>]*checked/);
    });

    test("public rooms can be browsed, joined and left; non-members get 404", async () => {
      const id = await alice.createRoom("Gardening");
      assert.equal((await bob.openRoom(id)).status, 404);
      assert.match((await bob.get("/rooms")).html, new RegExp(`action="/rooms/${id}/join"`));
      const joined = await bob.joinRoom(id);
      assert.equal(joined.location, `/rooms/${id}`);
      const page = await bob.openRoom(id);
      assert.equal(page.status, 200);
      assert.match(page.html, /Members \(2\)/);
      assert.match((await bob.get("/rooms")).html, new RegExp(`href="/rooms/${id}" class="btn-secondary">Open`));

      assert.equal((await bob.post(`/rooms/${id}/leave`)).location, "/rooms");
      assert.equal((await bob.openRoom(id)).status, 404);
      assert.doesNotMatch((await bob.get("/rooms")).html, new RegExp(`href="/rooms/${id}" class="sidebar-link"`));
    });

    test("private rooms are hidden, cannot be joined, and members can add people", async () => {
      const id = await alice.createRoom("Secret plans", { private: "on" });
      assert.doesNotMatch((await bob.get("/rooms")).html, /Secret plans/);
      assert.equal((await bob.post(`/rooms/${id}/join`)).status, 404);
      assert.equal((await bob.openRoom(id)).status, 404);

      await alice.openRoom(id);
      const missing = await alice.post(`/rooms/${id}/members`, { username: "nobody" });
      assert.equal(missing.status, 422);
      assert.match(missing.html, /id="username-error"[^>]*>No one is called “nobody”\./);
      assert.equal((await alice.post(`/rooms/${id}/members`, { username: "BOB" })).location, `/rooms/${id}`);
      assert.equal((await bob.openRoom(id)).status, 200);

      const outsider = new Visitor(server.url);
      await outsider.signUp("mallory");
      await outsider.get("/rooms");
      assert.equal((await outsider.post(`/rooms/${id}/members`, { username: "mallory" })).status, 404);
    });

    test("unknown rooms and routes get the 404 page", async () => {
      for (const path of ["/rooms/999999", "/rooms/abc", "/no/such/page"]) {
        const page = await alice.get(path);
        assert.equal(page.status, 404, path);
        assert.match(page.html, /<h1[^>]*>Not found<\/h1>/);
      }
    });
  });
}
