import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { rooms, users } from "../../src/db/schema.js";
import { unreadCountsQuery } from "../../src/domain/reading.js";
import { sidebarQuery } from "../../src/domain/rooms.js";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

// A row arrives swapped in place, or (sorted by activity) deleted and re-inserted at the top.
// A room's row as a push carries it: swapped alone, moved to the top, or within its re-sorted section.
const rowIn = (push: string, roomId: number) => new RegExp(`<li id="room-row-${roomId}"[^>]*><a.*?</li>`).exec(push)?.[0];
const rowOf = (roomId: number) => (push: string) => rowIn(push, roomId) !== undefined;
const totalIn = (push: string) => {
  const prefix = /id="unread-total" hidden data-title-prefix="([^"]*)"/.exec(push)?.[1];
  return prefix === undefined ? NaN : Number(/(\d+)\) $/.exec(prefix)?.[1] ?? 0);
};
const read = (s: LiveSocket, messageId: number | string) => s.ws.send(JSON.stringify({ signal: "read", messageId: String(messageId) }));

for (const kind of databaseKinds()) {
  describe(`unread counts on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, eve: Visitor;
    let roomId: number;
    const pool = socketPool();
    const countIn = (push: string) => Number(/<span class="unread-count">(\d+)</.exec(rowIn(push, roomId)!)?.[1] ?? 0);
    const post = async (body: string) => {
      await alice.openRoom(roomId);
      await alice.post(`/rooms/${roomId}/messages`, { body }, { "hx-request": "true" });
    };
    const ids = async () => [...(await bob.openRoom(roomId)).html.matchAll(/id="message-(\d+)"/g)].map((m) => Number(m[1]));

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, eve] = (await people(server.url, "alice", "bob", "eve")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Counting");
      await post("history before bob");
      await bob.joinRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("a newcomer owes the room nothing: history before joining is not unread", async () => {
      const page = await bob.get("/rooms");
      assert.match(page.html, new RegExp(`<li id="room-row-${roomId}"><a href="/rooms/${roomId}" class="sidebar-link">`));
      assert.match(page.html, /<title>Public rooms · Parley<\/title>/);
    });

    test("new messages from others raise the count live on every page; my own never count", async () => {
      const elsewhere = await pool.open(bob);
      const otherTab = await pool.open(bob, 1);
      const eveTab = await pool.open(eve);
      const aliceTab = await pool.open(alice);
      for (const n of [1, 2, 3]) {
        await post(`unread ${n}`);
        await elsewhere.waitFor(n, 2000, rowOf(roomId));
      }
      const last = elsewhere.received.filter(rowOf(roomId)).at(-1)!;
      assert.equal(countIn(last), 3);
      assert.equal(totalIn(last), 3);
      assert.match(last, /class="sidebar-link has-unread">.*3<span class="sr-only"> unread<\/span>/);
      await otherTab.waitFor(3, 2000, rowOf(roomId));
      assert.equal(countIn(otherTab.received.filter(rowOf(roomId)).at(-1)!), 3, "every tab agrees");

      await aliceTab.waitFor(3, 2000, rowOf(roomId));
      assert.equal(countIn(aliceTab.received.filter(rowOf(roomId)).at(-1)!), 0, "the author has nothing unread");
      assert.deepEqual(eveTab.received.filter(rowOf(roomId)), [], "a non-member hears nothing of the room");

      const page = await bob.get("/rooms");
      assert.match(page.html, /<title>\(3\) Public rooms · Parley<\/title>/);
      assert.match(
        page.html,
        new RegExp(
          `<li id="room-row-${roomId}"><a [^>]*class="sidebar-link has-unread">.*<span class="unread-count">3<span class="sr-only"> unread`,
        ),
      );
      for (const s of [elsewhere, otherTab, eveTab, aliceTab]) s.close();
    });

    test("the room page marks where unread begins and offers to jump there", async () => {
      const page = await bob.openRoom(roomId);
      const first = /<li id="first-unread" class="new-messages" tabindex="-1">New messages<\/li><li id="message-(\d+)"/.exec(page.html);
      assert.ok(first, "divider before the first unread message");
      assert.match(page.html, /<li id="message-\d+" class="message group[^"]*">[\s\S]*history before bob[\s\S]*id="first-unread"/);
      assert.match(page.html, /<a href="#first-unread" class="link">Jump to first unread<\/a>/);
    });

    test("a read signal moves the pointer forward only, and every tab of mine hears it", async () => {
      const [, , second, third] = await ids();
      const roomTab = await pool.open(bob, roomId);
      const otherTab = await pool.open(bob);
      read(roomTab, second!);
      await otherTab.waitFor(1, 2000, rowOf(roomId));
      assert.equal(countIn(otherTab.received.filter(rowOf(roomId))[0]!), 1);
      await roomTab.waitFor(1, 2000, rowOf(roomId));
      assert.match(roomTab.received.filter(rowOf(roomId))[0]!, /aria-current="page"/, "the room's own page keeps it current");

      read(roomTab, second! - 1);
      read(roomTab, "not a number");
      // Signals are handled in order: the next row is the next signal's.
      read(roomTab, third!);
      await otherTab.waitFor(2, 2000, rowOf(roomId));
      const rows = otherTab.received.filter(rowOf(roomId));
      assert.equal(rows.length, 2, "backwards and malformed signals change nothing");
      assert.equal(countIn(rows[1]!), 0);
      assert.doesNotMatch((await bob.openRoom(roomId)).html, /first-unread/);
      roomTab.close();
      otherTab.close();
    });

    test("a read signal naming another room's message is ignored", async () => {
      await alice.openRoom(1);
      await alice.post("/rooms/1/messages", { body: "in general" });
      const general = [...(await alice.openRoom(1)).html.matchAll(/id="message-(\d+)"/g)].map((m) => Number(m[1]));
      await post("one more in counting");
      await post("and the last");
      const [oneMore] = (await ids()).slice(-2);
      const roomTab = await pool.open(bob, roomId);
      const otherTab = await pool.open(bob);
      read(roomTab, general.at(-1)! + 1000);
      // Signals are handled in order: the next row is this read's, of all but the last message.
      read(roomTab, oneMore!);
      await otherTab.waitFor(1, 2000, rowOf(roomId));
      assert.deepEqual(otherTab.received.filter(rowOf(roomId)).map(countIn), [1]);
      assert.match((await bob.get("/rooms")).html, /<span class="unread-count">1</);
      roomTab.close();
      otherTab.close();
    });

    test("without script, 'Mark as read' clears the room", async () => {
      await bob.openRoom(roomId);
      const res = await bob.post(`/rooms/${roomId}/read`);
      assert.equal(res.location, `/rooms/${roomId}`);
      const page = await bob.get("/rooms");
      assert.match(
        page.html,
        new RegExp(
          `<li id="room-row-${roomId}"><a href="/rooms/${roomId}" class="sidebar-link"><span aria-hidden="true">#</span> Counting</a></li>`,
        ),
      );
      assert.match(page.html, /<title>\(1\) Public rooms · Parley<\/title>/, "general's message is still unread");
      await eve.get("/rooms");
      assert.equal((await eve.post(`/rooms/${roomId}/read`)).status, 404, "only members");
    });

    test("counting unread is a range scan of messages_room_id_idx per membership, never a scan of the table", async () => {
      // A busy server: 40,000 messages in 20 rooms, Bob in five of them with his pointer near the end.
      const { db } = server.deps;
      const busy = await db
        .insert(rooms)
        .values(Array.from({ length: 20 }, (_, i) => ({ name: `busy ${i}` })))
        .returning({ id: rooms.id });
      const busyIds = sql.raw(`array[${busy.map((r) => r.id).join(",")}]`);
      await db.execute(sql`insert into messages (room_id, author_id, body)
        select (${busyIds})[1 + n % ${busy.length}], (select id from users where username = 'alice'), 'filler ' || n from generate_series(1, 40000) n`);
      await db.execute(sql`insert into memberships (room_id, user_id, last_read_message_id)
        select r.id, u.id, (select max(id) - 100 from messages where room_id = r.id)
        from rooms r, users u where r.id = any(${busyIds}) and r.id % 4 = 0 and u.username = 'bob'`);
      // As autovacuum keeps a live table: statistics and the visibility map up to date.
      await db.execute(sql`vacuum analyze`);
      const [bobRow] = await db.select({ id: users.id }).from(users).where(eq(users.username, "bob"));
      const plans = [];
      for (const query of [sidebarQuery(db, "activity", bobRow!.id), unreadCountsQuery(db, roomId, [bobRow!.id])]) {
        const plan = await db.execute(sql`explain ${query}`);
        plans.push((plan as { rows: Array<Record<string, string>> }).rows.map((r) => Object.values(r)[0]).join("\n"));
      }
      for (const text of plans) {
        assert.match(text, /Index (Only )?Scan on messages_room_id_idx|Scan using messages_room_id_idx on messages u/, text);
        assert.doesNotMatch(text, /Seq Scan on messages|using messages_pkey/, text);
      }
    });
  });
}
