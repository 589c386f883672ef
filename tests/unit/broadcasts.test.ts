import assert from "node:assert/strict";
import { test } from "node:test";
import type { Room } from "../../src/domain/access.js";
import type { Delivery } from "../../src/domain/messages.js";
import type { UnreadCounts } from "../../src/domain/reading.js";
import type { Attachment } from "../../src/domain/sql/attachments.js";
import { membershipEnded } from "../../src/realtime/broadcasts/memberships.js";
import { byViewer, deliverMessage } from "../../src/realtime/broadcasts/messages.js";
import { renderLivePush } from "../../src/render/timeline.js";
import type { Actor } from "../../src/domain/access.js";
import { presenceSockets } from "../../src/realtime/broadcasts/presence.js";
import { loadUnreadRows, sendRowsAfterRead, type UnreadRows } from "../../src/realtime/broadcasts/reading.js";
import { sessionEnded } from "../../src/realtime/broadcasts/sessions.js";
import { typingPush } from "../../src/realtime/broadcasts/typing.js";
import type { Push } from "../../src/realtime/transport.js";
import { fakeClient, fakeFanout, nextTurn, type FakeClient } from "../support/fake-clients.js";

const ALICE = 1;
const BOB = 2;
const CAROL = 3;
const people = [
  { id: ALICE, displayName: "Alice", lastSeenAt: null },
  { id: BOB, displayName: "Bob", lastSeenAt: null },
  { id: CAROL, displayName: "Carol", lastSeenAt: null },
];

const general: Room = { id: 10, name: "general", topic: "", isPrivate: false, isDefault: true, kind: "room", participants: [] };
const group: Room = { ...general, id: 11, name: "", isDefault: false, kind: "group", participants: people };

function image(alt: string | null): Attachment {
  return {
    id: 501,
    messageId: 100,
    kind: "image",
    contentType: "image/png",
    fileName: "cat.png",
    byteSize: 1000,
    width: 640,
    height: 480,
    alt,
    thumbWidth: 320,
    thumbHeight: 240,
    hasPoster: false,
    durationMs: null,
  };
}

function message(opts: { attachments?: Attachment[]; sharesReceipts?: boolean; members?: number[]; room?: Room } = {}): Delivery {
  const room = opts.room ?? general;
  return {
    id: 100,
    roomId: room.id,
    body: "hello",
    createdAt: new Date("2026-01-02T10:00:00Z"),
    author: { id: ALICE, username: "alice", displayName: "Alice", sharesReceipts: opts.sharesReceipts ?? true },
    attachments: opts.attachments ?? [],
    bodyHtml: null,
    mentions: [],
    editedAt: null,
    deletedAt: null,
    changeSeq: null,
    replyTo: null,
    reactions: [],
    room,
    members: new Set(opts.members ?? [ALICE, BOB, CAROL]),
    previous: null,
  };
}

const forViewer = (push: Push, userId: number) => (typeof push === "string" ? push : push(fakeClient(userId)));
const noRows = (room: Room): UnreadRows => ({ room, counts: new Map(), fresh: new Map() });
const describeLink = "/attachments/501/description";

const roleOf = (viewer?: Actor) => (viewer === undefined ? "anyone" : viewer.isAdmin ? "an administrator" : `author ${viewer.id}`);

test("a message is rendered once per role: its author, administrators, everyone else", () => {
  let renders = 0;
  const push = byViewer(message(), (viewer) => (renders++, `message for ${roleOf(viewer)}`));
  const viewers = [ALICE, BOB, CAROL, 4, 5].map((id) => fakeClient(id, { isAdmin: id >= 4 }));
  const seen = viewers.map((client) => (typeof push === "string" ? push : push(client)));
  assert.deepEqual(seen, [
    `message for author ${ALICE}`,
    "message for anyone",
    "message for anyone",
    "message for an administrator",
    "message for an administrator",
  ]);
  assert.equal(renders, 3);
});

test("the author's receipt goes to the others only", () => {
  const push = byViewer(message(), (viewer) => `message for ${roleOf(viewer)}`, "+receipt");
  assert.equal(forViewer(push, ALICE), `message for author ${ALICE}`, "the author reads it without their own receipt");
  assert.equal(forViewer(push, BOB), "message for anyone+receipt");
});

test("the author alone is asked to describe their image, administrators included", () => {
  const live = (viewer?: Actor) => renderLivePush([message({ attachments: [image(null)] })], null, viewer);
  const push = byViewer(message({ attachments: [image(null)] }), live);
  const author = forViewer(push, ALICE);
  const other = forViewer(push, BOB);
  const admin = typeof push === "string" ? push : push(fakeClient(CAROL, { isAdmin: true }));
  assert.ok(author.includes(describeLink) && !other.includes(describeLink) && !admin.includes(describeLink));
});

test("a new message: the author's page has it without the receipt, the others' with it, non-members nothing", () => {
  const author = fakeClient(ALICE, { roomId: general.id });
  const reader = fakeClient(BOB, { roomId: general.id });
  const formerMember = fakeClient(CAROL, { roomId: general.id });
  const elsewhere = fakeClient(BOB, { roomId: 99 });
  const ctx = fakeFanout([author, reader, formerMember, elsewhere]);
  void deliverMessage(ctx, message({ attachments: [image(null)], members: [ALICE, BOB] }), noRows(general));
  assert.equal(author.sent.length, 1);
  assert.equal(reader.sent.length, 1);
  assert.match(author.sent[0]!, /hx-swap-oob="beforeend:#messages"/);
  assert.ok(author.sent[0]!.includes(describeLink), "the author is asked to describe the image");
  assert.ok(!reader.sent[0]!.includes(describeLink));
  assert.ok(!author.sent[0]!.includes(`id="receipt-${ALICE}"`), "nobody sees their own receipt");
  assert.ok(reader.sent[0]!.includes(`id="receipt-${ALICE}"`), "the author's receipt moves with the message");
  assert.deepEqual(formerMember.sent, [], "membership as of the message's own query");
  assert.deepEqual(elsewhere.sent, [], "only the room's pages get the message");
});

test("an author who does not share receipts sends none", () => {
  const reader = fakeClient(BOB, { roomId: general.id });
  void deliverMessage(fakeFanout([reader]), message({ sharesReceipts: false }), noRows(general));
  assert.equal(reader.sent.length, 1);
  assert.ok(!reader.sent[0]!.includes("receipt-"));
});

/** Unread rows as loaded for `counts`, each still the newest push for its key. */
function rowsOf(room: Room, counts: Array<[number, { inRoom: number; total: number; order: "activity" | "alphabetical" }]>): UnreadRows {
  const loaded = counts.map(([userId, { inRoom, total, order }]): [number, UnreadCounts] => [
    userId,
    { inRoom, mentionsInRoom: 0, hiddenInRoom: false, totals: { unread: total, urgent: 0 }, order },
  ]);
  return { room, counts: new Map(loaded), fresh: new Map(counts.map(([userId]) => [userId, () => true])) };
}

test("a new message's rows follow it in the same turn; it moves to the top of others' activity-sorted sidebars", async () => {
  const author = fakeClient(ALICE, { roomId: general.id });
  const inRoom = fakeClient(BOB, { roomId: general.id });
  const bobHome = fakeClient(BOB);
  const carolHome = fakeClient(CAROL);
  const ctx = fakeFanout([author, inRoom, bobHome, carolHome]);
  const rows = rowsOf(general, [
    // Unread counts of the author too (had they not read the room), yet their sidebar stays put.
    [ALICE, { inRoom: 1, total: 1, order: "activity" }],
    [BOB, { inRoom: 1, total: 3, order: "activity" }],
    [CAROL, { inRoom: 1, total: 1, order: "alphabetical" }],
  ]);
  void deliverMessage(ctx, message(), rows);
  assert.equal(inRoom.corks, 1, "message and row in one corked write");
  assert.equal(inRoom.sent.length, 2);
  assert.match(inRoom.sent[0]!, /#messages/, "the message first");
  assert.match(inRoom.sent[1]!, /aria-current="page"/, "the row, as the current room of this page");
  assert.match(bobHome.sent[0]!, /<li id="room-row-10" hx-swap-oob="delete"><\/li><div hx-swap-oob="afterbegin:#room-list">/);
  assert.ok(!bobHome.sent[0]!.includes("aria-current"));
  assert.match(author.sent[1]!, /<li id="room-row-10" hx-swap-oob="outerHTML">/, "the author's own row stays in place");
  assert.match(carolHome.sent[0]!, /<li id="room-row-10" hx-swap-oob="outerHTML">/, "a sidebar sorted by name keeps its order");
  await nextTurn();
  assert.equal(inRoom.uncorks, 1);
});

test("a room's row reads the same for everyone with the same counts; a conversation's is titled per viewer", () => {
  const bob = fakeClient(BOB);
  const carol = fakeClient(CAROL);
  const ctx = fakeFanout([bob, carol]);
  const same = { inRoom: 2, total: 2, order: "alphabetical" as const };
  void deliverMessage(
    ctx,
    message(),
    rowsOf(general, [
      [BOB, same],
      [CAROL, same],
    ]),
  );
  assert.equal(bob.sent[0], carol.sent[0]);
  void deliverMessage(
    ctx,
    message({ room: group }),
    rowsOf(group, [
      [BOB, same],
      [CAROL, same],
    ]),
  );
  assert.match(bob.sent[1]!, /Alice and Carol/);
  assert.match(carol.sent[1]!, /Alice and Bob/);
});

test("a row a newer push has superseded is not sent", async () => {
  const bob = fakeClient(BOB);
  const ctx = fakeFanout([bob]);
  const rows = rowsOf(general, [[BOB, { inRoom: 0, total: 0, order: "alphabetical" }]]);
  rows.fresh.set(BOB, () => false);
  await sendRowsAfterRead(ctx, rows, true);
  assert.deepEqual(bob.sent, []);
});

test("after a read, the reader's row is swapped in place, never moved to the top", async () => {
  const bob = fakeClient(BOB);
  const ctx = fakeFanout([bob]);
  await sendRowsAfterRead(ctx, rowsOf(general, [[BOB, { inRoom: 1, total: 1, order: "activity" }]]), true);
  assert.equal(bob.sent.length, 1);
  assert.match(bob.sent[0]!, /^<li id="room-row-10" hx-swap-oob="outerHTML">/);
});

test("unread rows are loaded only for people with a page open here", async () => {
  const ctx = fakeFanout([fakeClient(BOB)]);
  const rows = await loadUnreadRows(ctx, general, [ALICE, CAROL]);
  assert.equal(rows.counts.size, 0, "nobody online: no query");
});

test("typing: each typist never sees their own name; everyone else shares one line", () => {
  const names = new Map([
    [ALICE, "Alice"],
    [BOB, "Bob"],
  ]);
  const push = typingPush([ALICE, BOB], names);
  const line = (userId: number) => forViewer(push, userId);
  assert.match(line(ALICE), /Bob is typing…/);
  assert.doesNotMatch(line(ALICE), /Alice/);
  assert.match(line(BOB), /Alice is typing…/);
  assert.match(line(CAROL), /Alice and Bob are typing…/);
  assert.equal(line(CAROL), line(4));
  assert.equal(forViewer(typingPush([], names), CAROL), forViewer(typingPush([ALICE], names), ALICE), "alone, a typist sees an empty line");
});

test("presence goes to every People page and every page of the person's audience, each once", () => {
  const watcher = fakeClient(4, { watchesPeople: true });
  const bobRoom = fakeClient(BOB, { roomId: general.id });
  const bobHome = fakeClient(BOB);
  const carolWatching = fakeClient(CAROL, { watchesPeople: true });
  const stranger = fakeClient(5);
  const ctx = fakeFanout([watcher, bobRoom, bobHome, carolWatching, stranger]);
  const sockets = presenceSockets(ctx.registry, new Set([BOB, CAROL]));
  assert.deepEqual(new Set(sockets), new Set([watcher, bobRoom, bobHome, carolWatching]));
});

test("an ended session closes its own sockets (1008), and leaving a room that room's pages (1000)", () => {
  const loggedOut = fakeClient(ALICE, { sessionId: "old", roomId: general.id });
  const otherSession = fakeClient(ALICE, { sessionId: "new" });
  const bobInRoom = fakeClient(BOB, { roomId: general.id });
  const bobElsewhere = fakeClient(BOB, { roomId: group.id });
  const ctx = fakeFanout([loggedOut, otherSession, bobInRoom, bobElsewhere]);
  sessionEnded(ctx, { kind: "session.ended", userId: ALICE, sessionId: "old" });
  membershipEnded(ctx, { kind: "membership.ended", userId: BOB, roomId: general.id });
  const closes = (c: FakeClient) => c.closedWith;
  assert.deepEqual(closes(loggedOut), [[1008, "Logged out"]]);
  assert.deepEqual(closes(otherSession), []);
  assert.deepEqual(closes(bobInRoom), [[1000, "Left the room"]]);
  assert.deepEqual(closes(bobElsewhere), []);
});
