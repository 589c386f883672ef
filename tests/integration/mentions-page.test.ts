import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq, isNotNull } from "drizzle-orm";
import { messageMentions, users } from "../../src/db/schema.js";
import { MENTIONS_PAGE_SIZE } from "../../src/domain/mentions-page.js";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { postedBy, startTestServer, type TestServer } from "../support/server.js";

const htmx = { "hx-request": "true" };

interface Item {
  roomId: number;
  messageId: number;
  unread: boolean;
  text: string;
}

/** The Mentions page's items, in order: the room its heading links to, the message it opens, whether it says "Unread". */
function itemsOf(html: string): Item[] {
  return html
    .split('<li class="message mention-item">')
    .slice(1)
    .map((li) => {
      const item = li.slice(0, li.indexOf("</li>"));
      const heading = /<h2 class="mention-heading"><a href="\/rooms\/(\d+)"[^>]*>.*?<\/a>(.*?)<\/h2>/s.exec(item);
      assert.ok(heading, `an item with its room as its heading: ${item}`);
      const open =
        /<a href="\/rooms\/(\d+)\/messages\/(\d+)#message-(\d+)" class="link nav-link text-sm">Open<span class="sr-only"> \(message from /.exec(
          item,
        );
      assert.ok(open, `an item with its permalink: ${item}`);
      assert.equal(open[1], heading[1], "the permalink is in the item's room");
      assert.equal(open[2], open[3]);
      return {
        roomId: Number(heading[1]),
        messageId: Number(open[2]),
        unread: /<span class="mention-unread">Unread<\/span>/.test(heading[2]!),
        text: /<div class="message-body"><p>(.*?)<\/p><\/div>/s.exec(item)?.[1] ?? "",
      };
    });
}

for (const kind of databaseKinds()) {
  describe(`the Mentions page on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor, bob: Visitor, carol: Visitor, dave: Visitor;
    let lobby: number, garden: number;
    const pool = socketPool();

    const post = (who: Visitor, room: number, body: string) => postedBy(server, who, room, body);
    const mentionsOf = async (who: Visitor, query = "") => {
      const page = await who.get(`/mentions${query}`);
      assert.equal(page.status, 200, page.html);
      return { page, items: itemsOf(page.html) };
    };
    const userId = async (username: string) =>
      (await server.deps.db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id;

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob, carol, dave] = (await people(server.url, "alice", "bob", "carol", "dave")) as [Visitor, Visitor, Visitor, Visitor];
      lobby = await bob.createRoom("lobby");
      garden = await carol.createRoom("garden");
      for (const who of [alice, carol]) await who.joinRoom(lobby);
      await alice.joinRoom(garden);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("nobody has mentioned a newcomer yet; the page is in the sidebar, marked current", async () => {
      const { page, items } = await mentionsOf(alice);
      assert.deepEqual(items, []);
      assert.match(page.html, /<p>Nobody has mentioned you yet\.<\/p>/);
      assert.match(page.html, /<title>(\((@\d+ · )?\d+\) )?Mentions · Parley<\/title>/);
      assert.match(page.html, /<h1[^>]*>Mentions<\/h1>/);
      assert.match(page.html, /<a href="\/mentions" class="link nav-link" aria-current="page">Mentions<\/a>/);
      assert.doesNotMatch(page.html, /Mark all as read/);
      assert.match((await alice.get("/unread")).html, /<a href="\/mentions" class="link nav-link">Mentions<\/a>/);
    });

    test("lists the messages that mention me, newest first, each with its room and permalink, unread marked; never someone else's", async () => {
      const first = await post(bob, lobby, "hello @alice <b>bold?</b>");
      await post(bob, lobby, "@carol only");
      const second = await post(carol, garden, "@alice see the garden");
      const { page, items } = await mentionsOf(alice);
      const named = `<span class="mention" data-mention="${await userId("alice")}" title="@alice">@Alice</span>`;
      assert.deepEqual(items, [
        { roomId: garden, messageId: second, unread: true, text: `${named} see the garden` },
        {
          roomId: lobby,
          messageId: first,
          unread: true,
          text: `hello ${named} &lt;b&gt;bold?&lt;/b&gt;`,
        },
      ]);
      // Every message here mentions the reader: the page does not say so on each.
      assert.doesNotMatch(page.html, /class="mentions-you"/);
      assert.match(page.html, /<ol id="mention-list" aria-labelledby="mentions-heading"/);
      assert.match(page.html, /<form method="post" action="\/mentions\/read">\s*<input type="hidden" name="_csrf" value="[^"]+">/);
      assert.deepEqual(
        (await mentionsOf(carol)).items.map((i) => i.text),
        [`<span class="mention" data-mention="${await userId("carol")}" title="@carol">@Carol</span> only`],
      );
      assert.deepEqual((await mentionsOf(bob)).items, []);
    });

    test("a conversation is titled for me, as my sidebar titles it", async () => {
      await bob.get("/people");
      const form = new URLSearchParams([
        ["people", String(await userId("alice"))],
        ["people", String(await userId("carol"))],
      ]);
      const opened = await bob.post("/conversations", form);
      const conversation = Number(/^\/rooms\/(\d+)$/.exec(opened.location ?? "")?.[1]);
      assert.ok(conversation, `a conversation: ${opened.status} ${opened.location}`);
      const id = await post(bob, conversation, "@alice a word between us");
      const { page, items } = await mentionsOf(alice);
      assert.deepEqual(items[0] && [items[0].roomId, items[0].messageId, items[0].unread], [conversation, id, true]);
      assert.match(
        page.html,
        new RegExp(`<h2 class="mention-heading"><a href="/rooms/${conversation}" class="link inline-block">Bob and Carol</a>`),
      );
    });

    test("a mention the read pointer has passed is read: reading the room reads its mentions", async () => {
      await alice.get(`/rooms/${lobby}`);
      assert.equal((await alice.post(`/rooms/${lobby}/read`)).status, 303);
      const { items } = await mentionsOf(alice);
      assert.deepEqual(
        items.filter((i) => i.roomId === garden || i.roomId === lobby).map((i) => [i.roomId, i.unread]),
        [
          [garden, true],
          [lobby, false],
        ],
      );
    });

    test("opening a message's permalink reads my mention of it, and only mine; my other pages hear it", async () => {
      const everyone = await post(bob, lobby, "@room meeting at noon");
      const tab = await pool.open(alice);
      // The sidebar goes again, in order, to Alice's other pages (perhaps before the page is back).
      const pushed = tab.next(
        (p) => p.includes('hx-swap-oob="innerHTML:#room-list"') && p.includes('hx-swap-oob="innerHTML:#conversation-list"'),
      );
      const opened = await alice.get(`/rooms/${lobby}/messages/${everyone}`);
      assert.equal(opened.status, 200);
      await pushed;
      const mine = (await mentionsOf(alice)).items.find((i) => i.messageId === everyone);
      assert.equal(mine?.unread, false);
      assert.equal((await mentionsOf(carol)).items.find((i) => i.messageId === everyone)?.unread, true, "Carol's stays unread");
      const readRows = await server.deps.db
        .select({ userId: messageMentions.userId })
        .from(messageMentions)
        .where(and(eq(messageMentions.messageId, everyone), isNotNull(messageMentions.readAt)));
      assert.deepEqual(readRows, [{ userId: await userId("alice") }]);
    });

    test("'Mark all as read' needs the form's token, clears every unread mention, and re-sends my sidebar live", async () => {
      await post(bob, lobby, "@alice one more");
      assert.ok((await mentionsOf(alice)).items.some((i) => i.unread));
      const forged = await alice.post("/mentions/read", { _csrf: "forged" });
      assert.equal(forged.status, 403);
      assert.ok(
        (await mentionsOf(alice)).items.some((i) => i.unread),
        "nothing changed",
      );

      const tab = await pool.open(alice);
      await alice.get("/mentions");
      const pushed = tab.next((p) => p.includes('hx-swap-oob="innerHTML:#room-list"'));
      const done = await alice.post("/mentions/read");
      assert.equal(done.status, 303);
      assert.equal(done.location, "/mentions");
      const push = await pushed;
      assert.match(push, new RegExp(`<li id="room-row-${lobby}">`));
      assert.match(push, /<span id="unread-total" hidden data-title-prefix="\(@1 · 4\) " hx-swap-oob="true"><\/span>$/);
      const { items } = await mentionsOf(alice);
      assert.ok(items.length >= 4);
      assert.deepEqual(
        items.filter((i) => i.unread),
        [],
      );

      // Nothing left unread: marking again tells nobody. A later push (Bob's message) comes first.
      await alice.get("/mentions");
      assert.equal((await alice.post("/mentions/read")).status, 303);
      const next = tab.next();
      await post(bob, lobby, "no mention here");
      assert.doesNotMatch(await next, /innerHTML:#room-list/);
      assert.match(await next, new RegExp(`room-row-${lobby}`));
    });

    test("pages by keyset: 'Older mentions' leads to the rest, as a page or, with htmx, as items for the list", async () => {
      const room = await bob.createRoom("busy");
      await dave.joinRoom(room);
      const ids: number[] = [];
      for (let n = 1; n <= MENTIONS_PAGE_SIZE + 1; n++) ids.push(await post(bob, room, `@dave number ${n}`));
      const newestFirst = ids.toReversed();

      const first = await mentionsOf(dave);
      assert.deepEqual(
        first.items.map((i) => i.messageId),
        newestFirst.slice(0, MENTIONS_PAGE_SIZE),
      );
      const oldestShown = newestFirst[MENTIONS_PAGE_SIZE - 1]!;
      assert.match(
        first.page.html,
        new RegExp(
          `<p id="mentions-older" class="mentions-older"><a href="/mentions\\?before=${oldestShown}" class="link nav-link" hx-get="/mentions\\?before=${oldestShown}" hx-target="#mention-list" hx-swap="beforeend">Older mentions</a></p>`,
        ),
      );

      // Without script: the link is a page of its own, the last one without a link on.
      const rest = await mentionsOf(dave, `?before=${oldestShown}`);
      assert.deepEqual(
        rest.items.map((i) => i.messageId),
        [ids[0]],
      );
      assert.doesNotMatch(rest.page.html, /Older mentions/);
      assert.match(rest.page.html, /<title>(\((@\d+ · )?\d+\) )?Mentions · Parley<\/title>/);

      // With htmx: the items alone, and the link that asked replaced (removed here: this is the oldest).
      const fragment = await dave.get(`/mentions?before=${oldestShown}`, htmx);
      assert.equal(fragment.status, 200);
      assert.match(fragment.headers.get("vary") ?? "", /HX-Request/i);
      assert.doesNotMatch(fragment.html, /<html|<nav/);
      assert.deepEqual(
        itemsOf(fragment.html).map((i) => i.messageId),
        [ids[0]],
      );
      assert.match(fragment.html, /<p id="mentions-older" hx-swap-oob="delete"><\/p>\s*$/);
      const whole = await dave.get(`/mentions?before=${newestFirst[0]! + 1}`, htmx);
      assert.equal(itemsOf(whole.html).length, MENTIONS_PAGE_SIZE);
      assert.match(
        whole.html,
        new RegExp(
          `<p id="mentions-older" class="mentions-older" hx-swap-oob="outerHTML:#mentions-older"><a href="/mentions\\?before=${ids[1]}"`,
        ),
      );
      assert.match((await dave.get(`/mentions?before=${ids[0]}`)).html, /<p>There are no older mentions\.<\/p>/);

      // A room Dave has left lists nothing of his any more.
      assert.equal((await dave.post(`/rooms/${room}/leave`)).status, 303);
      const left = await mentionsOf(dave);
      assert.deepEqual(left.items, []);
      assert.match(left.page.html, /Nobody has mentioned you yet\./);
    });

    test("a hostile 'before' is refused with 400, never a server error", async () => {
      for (const before of ["abc", "-1", "0", "1.5", "1e3", "99999999999999999999", "9007199254740993", "", "%00"]) {
        const page = await alice.get(`/mentions?before=${before}`);
        assert.equal(page.status, 400, `before=${before}`);
        assert.match(page.html, /“before” must be the id of a message\./);
      }
      assert.equal((await alice.get("/mentions?before=1&before=2")).status, 400);
      // Express 5 parses queries plainly: `before[x]` is another name, and ignored.
      assert.equal((await alice.get("/mentions?before[x]=1")).status, 200);
      assert.equal((await alice.get("/mentions?before=9007199254740991")).status, 200, "the largest id there can be");
    });
  });
}
