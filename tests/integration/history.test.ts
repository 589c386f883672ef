import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { messages, rooms, users } from "../../src/db/schema.js";
import { keysetPage } from "../../src/domain/history.js";
import { people, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };
const idsIn = (html: string) => [...html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1]));
const olderLink = (html: string) => /<div id="history-older"[^>]*hx-get="([^"]+)"/.exec(html)?.[1];
const newerLink = (html: string) => /<div id="history-newer"[^>]*hx-get="([^"]+)"/.exec(html)?.[1];
const section = (html: string, id: "history" | "messages") => new RegExp(`<ol id="${id}"[^>]*>([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? "";

for (const kind of databaseKinds()) {
  describe(`history on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, eve: Visitor;
    let roomId: number;
    let aliceId: number;
    let all: number[];

    /** Inserts messages straight into the table (seeding through HTTP would only be slower). */
    async function seed(room: number, count: number, start: Date, stepMs: number, body = (i: number) => `message ${i}`) {
      const rows = Array.from({ length: count }, (_, i) => ({
        roomId: room,
        authorId: aliceId,
        body: body(i),
        createdAt: new Date(start.getTime() + i * stepMs),
      }));
      const inserted = await server.deps.db.insert(messages).values(rows).returning({ id: messages.id });
      return inserted.map((r) => r.id);
    }

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, eve] = (await people(server.url, "alice", "bob", "eve")) as [Visitor, Visitor, Visitor];
      roomId = await alice.createRoom("Archive");
      await bob.joinRoom(roomId);
      aliceId = (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, "alice")))[0]!.id;
      all = await seed(roomId, 130, new Date(Date.now() - 130 * 60_000), 60_000);
    });
    after(async () => {
      await server.stop();
    });

    test("scrolling back page by page gives every message exactly once, in order, down to the start of the room", async () => {
      const page = await bob.openRoom(roomId);
      const seen = idsIn(section(page.html, "messages"));
      assert.equal(seen.length, 50);
      assert.deepEqual(seen, all.slice(-50));
      let next = olderLink(page.html);
      let pages = 0;
      while (next) {
        // Someone posts while Bob is paging back: it does not disturb the older pages.
        await alice.openRoom(roomId);
        await alice.post(`/rooms/${roomId}/messages`, { body: `posted while paging ${pages}` });
        const fragment = await bob.get(next.replace(/&amp;/g, "&"), htmx);
        assert.equal(fragment.status, 200);
        seen.unshift(...idsIn(fragment.html));
        next = olderLink(fragment.html);
        pages++;
        if (!next)
          assert.match(
            fragment.html,
            /<p id="history-start" class="history-edge" hx-swap-oob="outerHTML:#history-older">This is the start of <span aria-hidden="true">#<\/span> Archive\.<\/p>$/,
          );
      }
      assert.equal(pages, 2);
      assert.deepEqual(seen, all, "every message once, oldest first");
    });

    test("walking forward from the start with 'after' reaches the newest, including what was posted meanwhile", async () => {
      const [firstId] = all;
      let fragment = await bob.get(`/rooms/${roomId}/messages?after=${firstId! - 1}`, htmx);
      const seen = idsIn(fragment.html);
      let next = newerLink(fragment.html);
      while (next) {
        fragment = await bob.get(next, htmx);
        seen.push(...idsIn(fragment.html));
        next = newerLink(fragment.html);
      }
      const everything = (
        await server.deps.db.select({ id: messages.id }).from(messages).where(eq(messages.roomId, roomId)).orderBy(messages.id)
      ).map((r) => r.id);
      assert.deepEqual(seen, everything);
      assert.equal(new Set(seen).size, seen.length);
    });

    test("catching up after a disconnect returns exactly the messages that were missed, in order", async () => {
      const newest = idsIn((await bob.openRoom(roomId)).html).at(-1)!;
      await alice.openRoom(roomId);
      for (const body of ["missed one", "missed two", "missed three"]) await alice.post(`/rooms/${roomId}/messages`, { body });
      const fragment = await bob.get(`/rooms/${roomId}/messages?after=${newest}`, htmx);
      const missed = idsIn(fragment.html);
      assert.equal(missed.length, 3);
      assert.deepEqual(
        missed,
        [...missed].sort((a, b) => a - b),
      );
      assert.deepEqual(
        [...fragment.html.matchAll(/<div class="message-body"><p>([^<]+)<\/p><\/div>/g)].map((m) => m[1]),
        ["missed one", "missed two", "missed three"],
      );
      assert.equal(newerLink(fragment.html), undefined);
      assert.equal(
        idsIn((await bob.get(`/rooms/${roomId}/messages?after=${missed.at(-1)}`, htmx)).html).length,
        0,
        "nothing after the newest",
      );
    });

    test("without script, 'Older messages' and 'Newer messages' are links to whole pages", async () => {
      const latest = await bob.openRoom(roomId);
      const older = /<a href="(\/rooms\/\d+\?before=\d+)" class="link">Older messages<\/a>/.exec(latest.html)?.[1];
      assert.ok(older);
      const page = await bob.get(older);
      assert.equal(page.status, 200);
      assert.equal(idsIn(page.html).length, 50);
      assert.match(page.html, /<a href="\/rooms\/\d+\?after=\d+" class="link">Newer messages<\/a>/);
      assert.match(
        page.html,
        /<ol id="messages" aria-live="off" data-room="\d+" data-behind>/,
        "live messages wait while an older stretch is shown",
      );
      assert.equal(
        (await bob.get(`/rooms/${roomId}/messages?before=${all[60]}`)).location,
        `/rooms/${roomId}?before=${all[60]}`,
        "the fragment URL without htmx leads to the page",
      );
    });

    test("a permalink opens the room around its message, highlighted and focusable", async () => {
      const target = all[40]!;
      const page = await bob.get(`/rooms/${roomId}/messages/${target}`);
      assert.equal(page.status, 200);
      const ids = idsIn(page.html);
      assert.deepEqual(ids, all.slice(15, 65));
      assert.match(
        page.html,
        new RegExp(`<li id="message-${target}" class="message group[^"]* is-target" tabindex="-1" aria-current="true">`),
      );
      assert.ok(newerLink(page.html) && olderLink(page.html));
      assert.match(
        page.html,
        new RegExp(`<a href="/rooms/${roomId}/messages/${target}#message-${target}" class="permalink">`),
        "each message links to its permalink",
      );
      assert.equal((await bob.get(`/rooms/${roomId}/messages/999999`)).status, 404);
    });

    test("people outside the room get 404 for pages, fragments and permalinks", async () => {
      await eve.get("/rooms");
      for (const path of [`/rooms/${roomId}?before=${all[60]}`, `/rooms/${roomId}/messages/${all[10]}`])
        assert.equal((await eve.get(path)).status, 404, path);
      for (const path of [`/rooms/${roomId}/messages?before=${all[60]}`, `/rooms/${roomId}/messages?after=${all[60]}`]) {
        assert.equal((await eve.get(path, htmx)).status, 404, path);
      }
      const other = await alice.createRoom("Elsewhere");
      assert.equal((await bob.get(`/rooms/1/messages/${all[5]}`)).status, 404, "a message through a room it is not in");
      assert.ok(other);
    });

    test("day dividers and grouping are decided on the server and hold across a page boundary and for live messages", async () => {
      const room = await alice.createRoom("Days");
      await bob.joinRoom(room);
      const dayOne = new Date("2026-03-02T10:00:00Z");
      const dayTwo = new Date("2026-03-03T10:00:00Z");
      // 30 on one day, 30 on the next, a minute apart: the newest page (50) starts inside day one.
      const ids = [...(await seed(room, 30, dayOne, 60_000)), ...(await seed(room, 30, dayTwo, 60_000))];
      const page = await bob.openRoom(room);
      const live = section(page.html, "messages");
      assert.deepEqual(idsIn(live), ids.slice(10));
      assert.match(
        live,
        new RegExp(
          `^(<li id="first-unread"[^>]*>New messages</li>)?<li id="message-${ids[10]}" class="message group is-continued">\n<div class="message-row">`,
        ),
        "no divider at the page top, and grouped with the message on the page before",
      );
      assert.match(
        live,
        /<li id="message-\d+" class="message group">\n<h2 id="day-2026-03-03" class="day-divider"><time datetime="2026-03-03">Tuesday 3 March<\/time><\/h2>/,
      );
      assert.equal([...live.matchAll(/class="day-divider"/g)].length, 1);
      const older = await bob.get(olderLink(page.html)!, htmx);
      assert.match(
        older.html,
        /^<li id="message-\d+" class="message group">\n<h2 id="day-2026-03-02" class="day-divider"><time datetime="2026-03-02">Monday 2 March<\/time><\/h2>/,
      );
      assert.match(older.html, /<p id="history-start" class="history-edge" hx-swap-oob="outerHTML:#history-older">/);

      // Live: a new message today starts a new day ("Today") and is not grouped with yesterday's.
      const socket = bob.socket(room);
      await socket.opened;
      await alice.openRoom(room);
      await alice.post(`/rooms/${room}/messages`, { body: "today" }, htmx);
      await alice.post(`/rooms/${room}/messages`, { body: "and again" }, htmx);
      const [first, second] = await socket.waitFor(2, 2000, (p) => p.includes("beforeend:#messages"));
      assert.match(
        first!,
        /<li id="message-\d+" class="message group">\n<h2 id="day-\d{4}-\d\d-\d\d" class="day-divider"><time datetime="[\d-]+">Today<\/time><\/h2>/,
      );
      assert.match(second!, /^<div hx-swap-oob="beforeend:#messages"><li id="message-\d+" class="message group is-continued">/);
      socket.close();
    });

    test("every page is a keyset range on (room_id, id): the plan uses messages_room_id_idx, with no sort and no offset", async () => {
      // A busy server: 19 other rooms with 40,000 messages between this room's old ones and its new
      // ones, so that its history is a thin slice of the table (as for most rooms on a real server).
      const busy = await server.deps.db
        .insert(rooms)
        .values(Array.from({ length: 19 }, (_, i) => ({ name: `busy ${i}` })))
        .returning({ id: rooms.id });
      await server.deps.db.execute(
        sql`insert into messages (room_id, author_id, body)
            select (${sql.raw(`array[${busy.map((r) => r.id).join(",")}]`)})[1 + n % ${busy.length}], ${aliceId}, 'filler ' || n from generate_series(1, 40000) n`,
      );
      await alice.openRoom(roomId);
      for (let i = 0; i < 3; i++) await alice.post(`/rooms/${roomId}/messages`, { body: `after the rush ${i}` });
      await server.deps.db.execute(sql`analyze messages`);
      const plans: string[] = [];
      for (const before of [null, all[100]!]) {
        const query = keysetPage(server.deps.db, roomId, before);
        assert.doesNotMatch(query.toSQL().sql, /offset/i);
        const plan = await server.deps.db.execute(sql`explain ${query}`);
        plans.push((plan as { rows: Array<Record<string, string>> }).rows.map((r) => Object.values(r)[0]).join("\n"));
      }
      for (const text of plans) {
        assert.match(text, /Index Scan Backward using messages_room_id_idx on messages/, text);
        assert.doesNotMatch(text, /Sort|Seq Scan on messages/, text);
      }
    });
  });
}
