import assert from "node:assert/strict";
import { test } from "node:test";
import type { Db } from "../../src/db/client.js";
import { Presence } from "../../src/domain/presence.js";
import type { Room } from "../../src/domain/access.js";
import { joinNames, presentRoom, roomLabel } from "../../src/render/rooms.js";

const person = (id: number, displayName: string, lastSeenAt: Date | null = null) => ({ id, displayName, lastSeenAt });
const [alice, bob, carol, dave, erin, frank] = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank"].map((name, i) => person(i + 1, name));
const room = (kind: Room["kind"], participants = [alice!], name = ""): Room => ({
  id: 5,
  name,
  topic: "",
  isPrivate: kind !== "room",
  isDefault: false,
  kind,
  participants,
});

test("names are joined as a sentence", () => {
  assert.equal(joinNames(["Bob"]), "Bob");
  assert.equal(joinNames(["Bob", "Carol"]), "Bob and Carol");
  assert.equal(joinNames(["Bob", "Carol", "Dave"]), "Bob, Carol, and Dave");
});

test("a room is called by its name, whoever looks", () => {
  assert.equal(roomLabel(room("room", [], "General"), alice!.id), "General");
});

test("a conversation is called by the others in it; past four, three and a count", () => {
  assert.equal(roomLabel(room("direct", [alice!, bob!]), alice!.id), "Bob");
  assert.equal(roomLabel(room("direct", [alice!, bob!]), bob!.id), "Alice");
  assert.equal(roomLabel(room("group", [alice!, bob!, carol!]), alice!.id), "Bob and Carol");
  assert.equal(roomLabel(room("group", [alice!, bob!, carol!, dave!, erin!]), alice!.id), "Bob, Carol, Dave, and Erin");
  assert.equal(roomLabel(room("group", [alice!, bob!, carol!, dave!, erin!, frank!]), alice!.id), "Bob, Carol, Dave, and 2 others");
});

test("a direct conversation carries the other person's presence; rooms and groups carry none", () => {
  const presence = new Presence({} as Db, { publish() {} }, 1000);
  const seen = new Date(Date.now() - 5 * 60_000);
  const direct = room("direct", [alice!, person(2, "Bob", seen)]);
  assert.deepEqual(presentRoom(direct, alice!.id, presence).partner, {
    userId: 2,
    online: false,
    label: "offline, last seen 5 minutes ago",
  });
  presence.connected(2);
  const view = presentRoom(direct, alice!.id, presence);
  assert.deepEqual(view.partner, { userId: 2, online: true, label: "online" });
  assert.equal(view.label, "Bob");
  assert.equal(presentRoom(direct, 2, presence).partner?.userId, alice!.id, "for Bob, the partner is Alice");
  assert.ok(!("partner" in presentRoom(room("group", [alice!, bob!, carol!]), alice!.id, presence)));
  assert.ok(!("partner" in presentRoom(room("room", [], "General"), alice!.id, presence)));
  presence.stop();
});
