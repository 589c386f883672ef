import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { users } from "../../src/db/schema.js";
import { people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const sidebarOrder = (html: string) =>
  [...(/<ul id="room-list"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? "").matchAll(/<\/span> ([^<]+?)(?: <span|<\/a>)/g)].map((m) => m[1]);

for (const kind of databaseKinds()) {
  describe(`sidebar sorting and settings on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor;
    const rooms: Record<string, number> = {};
    const pool = socketPool();
    const post = async (name: string, body: string) => {
      await alice.openRoom(rooms[name]!);
      await alice.post(`/rooms/${rooms[name]}/messages`, { body }, { "hx-request": "true" });
    };

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      for (const name of ["apples", "bananas", "cherries"]) {
        rooms[name] = await alice.createRoom(name);
        await bob.joinRoom(rooms[name]);
      }
      await bob.get("/rooms");
      await bob.post("/rooms/1/leave");
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("by activity: unread rooms first, newest first, then the rest, newest first", async () => {
      await post("apples", "old news");
      await bob.openRoom(rooms.apples!);
      await bob.post(`/rooms/${rooms.apples}/read`);
      await post("cherries", "a");
      await post("bananas", "b");
      assert.deepEqual(sidebarOrder((await bob.get("/rooms")).html), ["bananas", "cherries", "apples"]);
      await bob.openRoom(rooms.bananas!);
      await bob.post(`/rooms/${rooms.bananas}/read`);
      assert.deepEqual(sidebarOrder((await bob.get("/rooms")).html), ["cherries", "bananas", "apples"]);
    });

    test("a new message moves the room to the top of an activity-sorted sidebar, live; the author's stays put", async () => {
      const bobTab = await pool.open(bob);
      const aliceTab = await pool.open(alice);
      await post("apples", "fresh");
      // The move: a push about the room's row that is not a whole new list (a read's, from the test
      // before, can still be on its way to Bob's pages).
      const [push] = await bobTab.waitFor(1, 2000, (p) => p.includes(`room-row-${rooms.apples}`) && !p.includes("innerHTML:#room-list"));
      assert.match(
        push!,
        new RegExp(
          `^<li id="room-row-${rooms.apples}" hx-swap-oob="delete"></li><div hx-swap-oob="afterbegin:#room-list"><li id="room-row-${rooms.apples}">`,
        ),
      );
      const [own] = await aliceTab.waitFor(1, 2000, (p) => p.includes(`room-row-${rooms.apples}`));
      assert.match(own!, new RegExp(`^<li id="room-row-${rooms.apples}" hx-swap-oob="outerHTML">`));
      bobTab.close();
      aliceTab.close();
    });

    test("reading a room, or marking it unread, re-sorts the activity-sorted sidebar on every page, live", async () => {
      const listPush = (p: string) => p.startsWith('<div hx-swap-oob="innerHTML:#room-list">');
      assert.deepEqual(sidebarOrder((await bob.get("/rooms")).html), ["apples", "cherries", "bananas"]);
      const bobTab = await pool.open(bob);
      await bob.openRoom(rooms.apples!);
      await bob.post(`/rooms/${rooms.apples}/read`);
      const [read] = await bobTab.waitFor(1, 2000, listPush);
      assert.deepEqual(sidebarOrder(`<ul id="room-list">${read}</ul>`), ["cherries", "apples", "bananas"]);
      assert.match(read!, /<span id="unread-total" hidden data-title-prefix="\(1\) " hx-swap-oob="true"><\/span>$/);
      assert.deepEqual(sidebarOrder((await bob.get("/rooms")).html), ["cherries", "apples", "bananas"], "the same order a page load gives");

      const page = await bob.openRoom(rooms.bananas!);
      const messageId = /<li id="message-(\d+)"/.exec(page.html)![1];
      await bob.post(`/rooms/${rooms.bananas}/messages/${messageId}/unread`);
      const [unread] = await bobTab.waitFor(2, 2000, listPush).then((p) => p.slice(1));
      assert.deepEqual(sidebarOrder(`<ul id="room-list">${unread}</ul>`), ["bananas", "cherries", "apples"]);
      bobTab.close();
    });

    test("settings switch the sidebar to alphabetical; then pushes swap rows in place", async () => {
      const page = await bob.get("/settings");
      assert.match(page.html, /id="order-activity"[^>]*checked/);
      assert.match(page.html, /id="shareReadReceipts"[^>]*checked/);
      const saved = await bob.post("/settings", { sidebarOrder: "alphabetical", shareReadReceipts: "on" });
      assert.equal(saved.location, "/settings?saved=1");
      assert.match((await bob.get("/settings?saved=1")).html, /role="status">Your settings are saved\./);
      assert.deepEqual(sidebarOrder((await bob.get("/rooms")).html), ["apples", "bananas", "cherries"]);

      const bobTab = await pool.open(bob);
      await post("cherries", "alphabet");
      const [push] = await bobTab.waitFor(1, 2000, (p) => p.includes(`room-row-${rooms.cherries}`));
      assert.match(push!, new RegExp(`^<li id="room-row-${rooms.cherries}" hx-swap-oob="outerHTML">`));
      bobTab.close();
    });

    test("settings refuse an unknown order with the error by the field, and an unticked box turns sharing off", async () => {
      await bob.get("/settings");
      const bad = await bob.post("/settings", { sidebarOrder: "random" });
      assert.equal(bad.status, 422);
      assert.match(bad.html, /<fieldset[^>]* aria-describedby="sidebarOrder-error">/);
      assert.match(bad.html, /id="sidebarOrder-error"[^>]*>Choose how to sort your rooms\./);
      await bob.post("/settings", { sidebarOrder: "activity" });
      const [row] = await server.deps.db
        .select({ order: users.sidebarOrder, share: users.shareReadReceipts })
        .from(users)
        .where(eq(users.username, "bob"));
      assert.deepEqual(row, { order: "activity", share: false });
    });
  });
}
