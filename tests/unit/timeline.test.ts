import assert from "node:assert/strict";
import { test } from "node:test";
import type { Message } from "../../src/domain/sql/messages.js";
import { dayLabel, renderLivePush, timeline } from "../../src/render/timeline.js";

const NOW = new Date("2026-03-04T12:00:00Z");
const MINUTE = 60_000;
const people = { alice: 1, bob: 2 } as const;

let nextId = 1;
function message(author: keyof typeof people, at: string | Date): Message {
  return {
    id: nextId++,
    roomId: 1,
    body: `from ${author}`,
    createdAt: new Date(at),
    author: { id: people[author], username: author, displayName: author, sharesReceipts: true },
    attachments: [],
    bodyHtml: null,
    mentions: [],
    editedAt: null,
    deletedAt: null,
    changeSeq: null,
    replyTo: null,
    reactions: [],
  };
}
const shape = (items: ReturnType<typeof timeline>) => items.map((item) => ({ day: item.day?.id, continued: item.continued }));

test("the first message opens its day; the same author within five minutes continues the group", () => {
  const at = Date.parse("2026-03-04T09:00:00Z");
  const items = timeline(
    [
      message("alice", new Date(at)),
      message("alice", new Date(at + 4 * MINUTE)),
      message("alice", new Date(at + 9 * MINUTE - 1)),
      message("alice", new Date(at + 14 * MINUTE - 1)),
      message("bob", new Date(at + 15 * MINUTE)),
    ],
    null,
    undefined,
    NOW,
  );
  assert.deepEqual(
    shape(items),
    [
      { day: "day-2026-03-04", continued: false },
      { day: undefined, continued: true },
      { day: undefined, continued: true },
      { day: undefined, continued: false },
      { day: undefined, continued: false },
    ],
    "5 minutes after the message before (not the group's first) ends a group; so does another author",
  );
  assert.deepEqual(items[0]!.day, { id: "day-2026-03-04", iso: "2026-03-04", label: "Today" });
});

test("five minutes apart exactly is a new group", () => {
  const items = timeline([message("bob", "2026-03-04T10:00:00Z"), message("bob", "2026-03-04T10:05:00Z")], null, undefined, NOW);
  assert.deepEqual(shape(items), [
    { day: "day-2026-03-04", continued: false },
    { day: undefined, continued: false },
  ]);
});

test("a new UTC day gets its divider and starts a group, however close the messages", () => {
  const items = timeline([message("alice", "2026-03-02T23:59:00Z"), message("alice", "2026-03-03T00:01:00Z")], null, undefined, NOW);
  assert.deepEqual(shape(items), [
    { day: "day-2026-03-02", continued: false },
    { day: "day-2026-03-03", continued: false },
  ]);
  assert.deepEqual(
    items.map((item) => item.day?.label),
    ["Monday 2 March", "Yesterday"],
  );
});

test("`previous` carries the day and the group across a page boundary and into live messages", () => {
  const previous = { authorId: people.alice, createdAt: new Date("2026-03-04T09:00:00Z") };
  assert.deepEqual(shape(timeline([message("alice", "2026-03-04T09:01:00Z")], previous, undefined, NOW)), [
    { day: undefined, continued: true },
  ]);
  assert.deepEqual(shape(timeline([message("bob", "2026-03-04T09:01:00Z")], previous, undefined, NOW)), [
    { day: undefined, continued: false },
  ]);
  assert.deepEqual(shape(timeline([message("alice", "2026-03-05T00:00:00Z")], previous, undefined, NOW)), [
    { day: "day-2026-03-05", continued: false },
  ]);
});

test("days read Today, Yesterday, a weekday and date, and with the year when it is another year (UTC)", () => {
  assert.equal(dayLabel(new Date("2026-03-04T00:00:00Z"), NOW), "Today");
  assert.equal(dayLabel(new Date("2026-03-03T23:59:59Z"), NOW), "Yesterday");
  assert.equal(dayLabel(new Date("2026-03-02T08:00:00Z"), NOW), "Monday 2 March");
  assert.equal(dayLabel(new Date("2025-12-31T08:00:00Z"), NOW), "Wednesday 31 December 2025");
});

test("a live push renders the divider where a message opens a day, and only there", () => {
  const previous = { authorId: people.bob, createdAt: new Date("2026-03-03T22:00:00Z") };
  const html = renderLivePush([message("alice", "2026-03-04T08:00:00Z"), message("alice", "2026-03-04T08:01:00Z")], previous);
  assert.equal([...html.matchAll(/class="day-divider"/g)].length, 1);
  assert.match(html, /id="day-2026-03-04"/);
  assert.equal([...html.matchAll(/<li id="message-\d+"/g)].length, 2);
});
