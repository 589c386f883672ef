import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const read = (s: LiveSocket, messageId: number) => s.ws.send(JSON.stringify({ signal: "read", messageId: String(messageId) }));
const listed = (html: string) => [...html.matchAll(/<label for="person-(\d+)" class="flex-1">([^<]+) <span/g)].map((m) => m[2]);
const sidebarList = (html: string, list: "room-list" | "conversation-list") =>
  new RegExp(`<ul id="${list}"[^>]*>([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? "";
const roomOf = (page: { status: number; location: string | null }) => {
  assert.equal(page.status, 303, "redirected to the conversation");
  return Number(/^\/rooms\/(\d+)$/.exec(page.location ?? "")![1]);
};
const receiptOf = (userId: number) => (push: string) => push.startsWith(`<span id="receipt-${userId}" hx-swap-oob="delete">`);

for (const kind of databaseKinds()) {
  describe(`direct and group conversations on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, carol: Visitor, dave: Visitor;
    const id: Record<string, number> = {};
    const pool = socketPool();

    /** Someone's id, as Alice's People page has it. */
    async function idOf(name: string): Promise<number> {
      const found = [...(await alice.get("/people")).html.matchAll(/<label for="person-(\d+)" class="flex-1">([^<]+) <span/g)].find(
        (m) => m[2] === name,
      );
      return Number(found![1]);
    }

    async function open(visitor: Visitor, form: Record<string, string> | URLSearchParams): Promise<number> {
      await visitor.get("/people");
      return roomOf(await visitor.post("/conversations", form));
    }

    before(async () => {
      server = await startTestServer(kind, { PRESENCE_GRACE_MS: "200" });
      [alice, bob, carol, dave] = (await people(server.url, "alice", "bob", "carol", "dave")) as [Visitor, Visitor, Visitor, Visitor];
      for (const visitor of [alice, dave]) {
        const page = await visitor.get("/people");
        for (const m of page.html.matchAll(/<label for="person-(\d+)" class="flex-1">([^<]+) <span/g)) id[m[2]!] = Number(m[1]);
      }
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("the People page lists everyone else, by name, and searches names and usernames", async () => {
      assert.deepEqual(listed((await alice.get("/people")).html), ["Bob", "Carol", "Dave"]);
      assert.deepEqual(listed((await alice.get("/people?q=CAR")).html), ["Carol"]);
      assert.deepEqual(listed((await alice.get("/people?q=%25")).html), [], "a % in the search is a character, not a wildcard");
      const fragment = await alice.get("/people?q=b", { "hx-request": "true" });
      assert.deepEqual(listed(fragment.html), ["Bob"]);
      assert.match(fragment.html, /<div hx-swap-oob="innerHTML:#people-count">1 person found<\/div>/);
      assert.doesNotMatch(fragment.html, /<html/, "htmx gets the results alone");
      const ticked = await alice.get(`/people?q=b&people=${id.Carol}`, { "hx-request": "true" });
      assert.match(
        ticked.html,
        new RegExp(`<input id="person-${id.Carol}" type="checkbox" name="people" value="${id.Carol}" class="h-4 w-4" checked>`),
        "a ticked person stays ticked while searching",
      );
    });

    test("opening the same set of people again goes back to the same conversation, whoever opens it", async () => {
      const direct = await open(alice, { with: String(id.Bob) });
      assert.equal(await open(alice, { with: String(id.Bob) }), direct);
      assert.equal(await open(bob, { with: String(id.Alice) }), direct, "Bob finds the one Alice started");
      assert.equal(
        await open(alice, new URLSearchParams([["people", String(id.Bob)]])),
        direct,
        "ticking one person is the same as Message",
      );

      const group = await open(
        alice,
        new URLSearchParams([
          ["people", String(id.Bob)],
          ["people", String(id.Carol)],
        ]),
      );
      assert.notEqual(group, direct);
      assert.equal(
        await open(
          carol,
          new URLSearchParams([
            ["people", String(id.Bob)],
            ["people", String(id.Alice)],
          ]),
        ),
        group,
      );
      assert.equal(
        await open(
          bob,
          new URLSearchParams([
            ["people", String(id.Carol)],
            ["people", String(id.Alice)],
            ["people", String(id.Bob)],
          ]),
        ),
        group,
        "choosing oneself changes nothing",
      );
    });

    test("conversations sit in their own sidebar section, titled by the others in them, a direct one with its partner's presence", async () => {
      const direct = await open(alice, { with: String(id.Bob) });
      const group = await open(
        alice,
        new URLSearchParams([
          ["people", String(id.Bob)],
          ["people", String(id.Carol)],
        ]),
      );
      const page = await bob.get("/people");
      const conversations = sidebarList(page.html, "conversation-list");
      assert.match(
        conversations,
        new RegExp(
          `<li id="room-row-${direct}"><a href="/rooms/${direct}" class="sidebar-link"><span class="presence" data-presence="${id.Alice}" title="offline">.*?</span> Alice</a></li>`,
        ),
      );
      assert.match(
        conversations,
        new RegExp(`<li id="room-row-${group}"><a href="/rooms/${group}" class="sidebar-link">Alice and Carol</a></li>`),
      );
      assert.doesNotMatch(sidebarList(page.html, "room-list"), new RegExp(`room-row-(${direct}|${group})"`));

      const room = await alice.openRoom(direct);
      assert.match(room.html, /<h1 id="room-title" class="text-xl font-bold">Bob<\/h1>/);
      assert.match(room.html, /<title>Bob · Parley<\/title>/);
      assert.doesNotMatch(room.html, /Leave room|Add someone/);
    });

    test("only its people can read, write or listen to a conversation; nobody joins, leaves or is added", async () => {
      const direct = await open(alice, { with: String(id.Bob) });
      await carol.get("/people");
      assert.equal((await carol.openRoom(direct)).status, 404);
      assert.equal((await carol.post(`/rooms/${direct}/messages`, { body: "hi" })).status, 404);
      assert.equal((await carol.post(`/rooms/${direct}/join`)).status, 404);
      assert.equal(await carol.socket(direct).refused, 404);
      await alice.openRoom(direct);
      assert.equal((await alice.post(`/rooms/${direct}/leave`)).status, 404);
      assert.equal((await alice.post(`/rooms/${direct}/members`, { username: "carol" })).status, 404);
      assert.equal((await alice.openRoom(direct)).status, 200, "still there");
    });

    test("choosing no one, only oneself, someone unknown or too many people is refused, and creates nothing", async () => {
      const before = sidebarList((await dave.get("/people")).html, "conversation-list");
      for (const [form, error] of [
        [{}, "Choose at least one person."],
        [{ with: String(id.Dave) }, "Choose at least one person."],
        [{ with: "abc" }, "Choose at least one person."],
        [{ with: "999999" }, "Someone you chose is no longer here."],
      ] as const) {
        await dave.get("/people");
        const page = await dave.post("/conversations", form);
        assert.equal(page.status, 422, JSON.stringify(form));
        assert.match(page.html, new RegExp(`<p id="people-error" class="field-error mb-3">${error}</p>`));
      }
      const many = new URLSearchParams(Array.from({ length: 20 }, (_, i): [string, string] => ["people", String(1000 + i)]));
      await dave.get("/people");
      const res = await dave.post("/conversations", many);
      assert.equal(res.status, 422);
      assert.match(res.html, /A conversation can have at most 20 people\./);
      assert.equal(sidebarList((await dave.get("/people")).html, "conversation-list"), before);
    });

    test("a new message moves the conversation to the top of the other person's Direct messages, live, titled for them", async () => {
      const direct = await open(carol, { with: String(id.Dave) });
      const daveTab = await pool.open(dave);
      await carol.openRoom(direct);
      await carol.post(`/rooms/${direct}/messages`, { body: "hello Dave" }, { "hx-request": "true" });
      const [push] = await daveTab.waitFor(1, 2000, (p) => p.includes(`room-row-${direct}`));
      assert.match(
        push!,
        new RegExp(
          `<div hx-swap-oob="afterbegin:#conversation-list"><li id="room-row-${direct}">.*data-presence="${id.Carol}".*</span> Carol <span class="unread-count">1`,
        ),
      );
      daveTab.close();
    });

    test("the People page hears everyone's presence, even people it shares no room with", async () => {
      // Someone who has never been online, so that no earlier tab's grace period is still running.
      const [erin] = (await people(server.url, "erin")) as [Visitor];
      const erinId = await idOf("Erin");
      const aboutErin = (p: string) => p.includes(`data-presence="${erinId}"`);
      const loner = new Visitor(server.url);
      await loner.signUp("loner");
      await loner.get("/rooms");
      await loner.post("/rooms/1/leave");
      const watching = await pool.open(loner, "people");
      const elsewhere = await pool.open(loner);
      const erinTab = await pool.open(erin);
      const [online] = await watching.waitFor(1, 2000, aboutErin);
      assert.match(online!, /title="online"/);
      erinTab.close();
      const [, offline] = await watching.waitFor(2, 2000, aboutErin);
      assert.match(offline!, /title="offline, last seen just now"/);
      // Each went to all its pages at once: a new conversation's row reaches loner's other page after them.
      const direct = await open(alice, { with: String(await idOf("Loner")) });
      await alice.openRoom(direct);
      await alice.post(`/rooms/${direct}/messages`, { body: "hello loner" }, { "hx-request": "true" });
      await elsewhere.next((p) => p.includes(`id="room-row-${direct}"`));
      assert.deepEqual(elsewhere.received.filter(aboutErin), [], "other pages only hear people they share a room with");
    });

    test("in a direct conversation, 'Seen' with its time sits under the newest of my messages the other person has read", async () => {
      const direct = await open(alice, { with: String(id.Dave) });
      await alice.openRoom(direct);
      for (const body of ["one", "two"]) await alice.post(`/rooms/${direct}/messages`, { body });
      const ids = [...(await alice.openRoom(direct)).html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1]));
      const aliceRoom = await pool.open(alice, direct);
      const daveRoom = await pool.open(dave, direct);
      read(daveRoom, ids[1]!);
      const [seen] = await aliceRoom.waitFor(1, 2000, receiptOf(id.Dave!));
      assert.match(
        seen!,
        new RegExp(
          `beforeend:#receipts-${ids[1]}"><span id="receipt-${id.Dave}" class="receipt is-direct" title="Seen by Dave, [^"]+ UTC">Seen <time data-local-time datetime="[^"]+">\\d\\d:\\d\\d UTC</time></span>`,
        ),
      );
      // Dave answers: his receipt stays under Alice's message rather than moving to his own.
      await dave.openRoom(direct);
      await dave.post(`/rooms/${direct}/messages`, { body: "three" }, { "hx-request": "true" });
      const moves = await aliceRoom.waitFor(2, 2000, receiptOf(id.Dave!));
      assert.match(moves[1]!, new RegExp(`beforeend:#receipts-${ids[1]}"`));
      const page = await alice.openRoom(direct);
      assert.match(
        page.html,
        new RegExp(`<p id="receipts-${ids[1]}" class="receipts" aria-live="off"><span id="receipt-${id.Dave}" class="receipt is-direct"`),
      );
      assert.deepEqual(daveRoom.received.filter(receiptOf(id.Dave!)), [], "Dave never sees his own");
    });

    test("'Seen by …' lists who has read a message, on request, respecting who shares receipts", async () => {
      const group = await open(
        alice,
        new URLSearchParams([
          ["people", String(id.Bob)],
          ["people", String(id.Carol)],
        ]),
      );
      await alice.openRoom(group);
      await alice.post(`/rooms/${group}/messages`, { body: "who reads this?" });
      const messageId = Number(/<li id="message-(\d+)"[^]*who reads this/.exec((await alice.openRoom(group)).html)![1]);
      const seen = async () => (await alice.get(`/rooms/${group}/messages/${messageId}/seen`, { "hx-request": "true" })).html;
      assert.equal(await seen(), "No one else has seen this yet.");
      const aliceRoom = await pool.open(alice, group);
      const bobRoom = await pool.open(bob, group);
      read(bobRoom, messageId);
      // Receipts are told live once they are stored.
      await aliceRoom.waitFor(1, 2000, receiptOf(id.Bob!));
      assert.equal(await seen(), "Seen by Bob");
      const carolRoom = await pool.open(carol, group);
      read(carolRoom, messageId);
      await aliceRoom.waitFor(1, 2000, receiptOf(id.Carol!));
      assert.equal(await seen(), "Seen by Bob and Carol");
      const page = await alice.get(`/rooms/${group}/messages/${messageId}/seen`);
      assert.match(page.html, /<p class="mb-4">Seen by Bob and Carol<\/p>/, "without script, a page");

      await carol.get("/settings");
      await carol.post("/settings", { sidebarOrder: "activity" });
      assert.equal(await seen(), "Seen by Bob", "Carol stopped sharing");
      assert.equal((await dave.get(`/rooms/${group}/messages/${messageId}/seen`)).status, 404, "not for outsiders");
      assert.equal((await alice.get(`/rooms/1/messages/${messageId}/seen`)).status, 404, "not through another room");
    });
  });
}
