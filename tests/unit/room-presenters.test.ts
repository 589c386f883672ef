import assert from "node:assert/strict";
import { test } from "node:test";
import type { Room, RoomKind } from "../../src/domain/access.js";
import type { Presence } from "../../src/domain/presence.js";
import { presentComposer } from "../../src/render/room-page.js";
import { presentPublicRoom, presentRoom } from "../../src/render/rooms.js";

const offline = { state: (userId: number) => ({ userId, online: false, lastSeenAt: null }) } as unknown as Presence;
const people = [
  { id: 1, displayName: "Alice", lastSeenAt: null },
  { id: 2, displayName: "Bob", lastSeenAt: null },
];
const room = (kind: RoomKind, isPrivate: boolean): Room => ({
  id: 7,
  name: kind === "room" ? "general" : "",
  topic: "",
  isPrivate,
  isDefault: false,
  kind,
  participants: kind === "room" ? [] : people,
});
const limits = { imageMb: 1, videoMb: 2, files: 3 };

test("a private room says so; a conversation, private by nature, does not", () => {
  assert.equal(presentRoom(room("room", true), 1, offline).labelledPrivate, true);
  assert.equal(presentRoom(room("room", false), 1, offline).labelledPrivate, false);
  for (const kind of ["direct", "group"] as const) {
    const view = presentRoom(room(kind, true), 1, offline);
    assert.equal(view.labelledPrivate, false, kind);
    assert.equal(view.isConversation, true, kind);
  }
  assert.equal(presentRoom(room("room", true), 1, offline).isConversation, false);
});

test("the composer addresses a room by its #name and a conversation by its people", () => {
  assert.equal(presentComposer(presentRoom(room("room", false), 1, offline), limits).addressee, "#general");
  assert.equal(presentComposer(presentRoom(room("direct", true), 1, offline), limits).addressee, "Bob");
});

test("a new composer gets a client id of its own; a refused one keeps its draft and id", () => {
  const view = presentRoom(room("room", false), 1, offline);
  const [a, b] = [presentComposer(view, limits), presentComposer(view, limits)];
  assert.match(a.clientId, /^[0-9a-f-]{36}$/);
  assert.notEqual(a.clientId, b.clientId);
  const kept = presentComposer(view, limits, { body: "hi", error: "Too long", clientId: "c1" });
  assert.deepEqual([kept.clientId, kept.body, kept.error], ["c1", "hi", "Too long"]);
});

test("the browse page offers to join a public room to non-members only", () => {
  const listed = (isMember: boolean) => presentPublicRoom({ ...room("room", false), memberCount: 1, isMember });
  assert.equal(listed(false).can.join, true);
  assert.equal(listed(true).can.join, false);
  assert.equal(listed(true).can.leave, true);
});
