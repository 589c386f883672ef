import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import type { Db } from "../../src/db/client.js";
import type { DomainEvent, EventBus } from "../../src/domain/events.js";
import { Presence } from "../../src/domain/presence.js";

const GRACE_MS = 1000;
const [ALICE, BOB] = [1, 2];

const STORED = "last seen stored";
/** What was published, and when a last-seen time was stored, in order. */
let published: Array<DomainEvent | typeof STORED>;
let presence: Presence;

const bus: Pick<EventBus, "publish"> = { publish: (event) => void published.push(event) };
// Going offline stores the last-seen time (one update); nothing else here reaches the database.
const db = {
  update: () => ({ set: () => ({ where: () => Promise.resolve(void published.push(STORED)) }) }),
} as unknown as Db;
const changed = (userId: number): DomainEvent => ({ kind: "presence.changed", userId });
/** Lets the update that going offline awaits finish (setImmediate is not mocked). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("Presence, on a mocked clock", () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    published = [];
    presence = new Presence(db, bus, GRACE_MS);
  });
  afterEach(() => {
    presence.stop();
    mock.timers.reset();
  });

  test("the first socket brings a person online; more of theirs change nothing", () => {
    presence.connected(ALICE);
    presence.connected(ALICE);
    presence.connected(BOB);
    assert.deepEqual(published, [changed(ALICE), changed(BOB)]);
    assert.ok(presence.isOnline(ALICE) && presence.isOnline(BOB));
    presence.disconnected(ALICE);
    mock.timers.tick(GRACE_MS * 2);
    assert.ok(presence.isOnline(ALICE), "one of her two sockets is still open");
  });

  test("closing the last socket goes offline only after the grace period, storing the last-seen time first", async () => {
    presence.connected(ALICE);
    presence.disconnected(ALICE);
    mock.timers.tick(GRACE_MS - 1);
    await settled();
    assert.ok(presence.isOnline(ALICE), "still online within the grace");
    assert.deepEqual(published, [changed(ALICE)]);

    mock.timers.tick(1);
    assert.ok(!presence.isOnline(ALICE));
    await settled();
    assert.deepEqual(published, [changed(ALICE), STORED, changed(ALICE)]);
    assert.deepEqual(presence.state(ALICE, null), { userId: ALICE, online: false, lastSeenAt: null });
  });

  test("a socket back within the grace (a reload) changes nothing, then or later", async () => {
    presence.connected(ALICE);
    presence.disconnected(ALICE);
    mock.timers.tick(GRACE_MS - 1);
    presence.connected(ALICE);
    mock.timers.tick(GRACE_MS * 2);
    await settled();
    assert.ok(presence.isOnline(ALICE));
    assert.deepEqual(published, [changed(ALICE)], "no flicker: neither offline nor online again");
  });

  test("each person's grace runs on its own clock", async () => {
    presence.connected(ALICE);
    presence.connected(BOB);
    presence.disconnected(ALICE);
    mock.timers.tick(GRACE_MS / 2);
    presence.disconnected(BOB);
    mock.timers.tick(GRACE_MS / 2);
    await settled();
    assert.deepEqual([presence.isOnline(ALICE), presence.isOnline(BOB)], [false, true]);
    mock.timers.tick(GRACE_MS / 2);
    await settled();
    assert.deepEqual(published.slice(2), [STORED, changed(ALICE), STORED, changed(BOB)]);
  });

  test("after stop(), pending graces are cancelled and closing sockets marks no one offline", async () => {
    presence.connected(ALICE);
    presence.connected(BOB);
    presence.disconnected(ALICE);
    presence.stop();
    presence.disconnected(BOB);
    mock.timers.tick(GRACE_MS * 2);
    await settled();
    assert.deepEqual(published, [changed(ALICE), changed(BOB)], "nothing stored, nothing published");
  });
});
