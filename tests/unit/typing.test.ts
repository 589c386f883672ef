import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import type { DomainEvent, EventBus } from "../../src/domain/events.js";
import { Typing } from "../../src/domain/typing.js";

const EXPIRY_MS = 400;
const ROOM = 7;
const [ALICE, BOB, CAROL] = [1, 2, 3];

/** A bus that keeps what is published, at once (the real one delivers in a microtask). */
function recordingBus(): Pick<EventBus, "publish"> & { published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  return { published, publish: (event) => void published.push(event) };
}

let bus: ReturnType<typeof recordingBus>;
let typing: Typing;
const changes = () => bus.published.length;

describe("Typing, on a mocked clock", () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    bus = recordingBus();
    typing = new Typing(bus, EXPIRY_MS);
  });
  afterEach(() => {
    typing.stop();
    mock.timers.reset();
  });

  test("a first signal is a change; repeats are not, and each one restarts the typist's clock", () => {
    typing.signal(ROOM, ALICE);
    assert.deepEqual(bus.published, [{ kind: "typing.changed", roomId: ROOM }]);
    mock.timers.tick(EXPIRY_MS - 100);
    typing.signal(ROOM, ALICE);
    assert.equal(changes(), 1, "a repeat says nothing new");

    mock.timers.tick(EXPIRY_MS - 1);
    assert.deepEqual(typing.typists(ROOM), [ALICE], "the repeat's clock, not the first signal's");
    mock.timers.tick(1);
    assert.deepEqual(typing.typists(ROOM), []);
    assert.deepEqual(bus.published.slice(1), [{ kind: "typing.changed", roomId: ROOM }], "expiring is a change");
  });

  test("each typist expires on their own clock", () => {
    typing.signal(ROOM, ALICE);
    mock.timers.tick(100);
    typing.signal(ROOM, BOB);
    mock.timers.tick(100);
    typing.signal(ROOM, ALICE);
    assert.equal(changes(), 2);

    // Now 200: Bob's clock ends at 500, Alice's at 600.
    mock.timers.tick(299);
    assert.deepEqual(typing.typists(ROOM), [ALICE, BOB]);
    mock.timers.tick(1);
    assert.deepEqual(typing.typists(ROOM), [ALICE], "Bob, silent since, expires first");
    assert.equal(changes(), 3);
    mock.timers.tick(99);
    assert.deepEqual(typing.typists(ROOM), [ALICE]);
    mock.timers.tick(1);
    assert.deepEqual(typing.typists(ROOM), []);
    assert.equal(changes(), 4);
  });

  test("typists are listed in the order they started, per room", () => {
    typing.signal(ROOM, CAROL);
    typing.signal(ROOM, ALICE);
    typing.signal(ROOM + 1, BOB);
    typing.signal(ROOM, CAROL);
    assert.deepEqual(typing.typists(ROOM), [CAROL, ALICE]);
    assert.deepEqual(typing.typists(ROOM + 1), [BOB]);
    assert.deepEqual(typing.typists(ROOM + 2), []);
  });

  test("stopping (a send, a leave, a closed page) drops the typist at once; stopping a non-typist is no change", () => {
    typing.signal(ROOM, ALICE);
    typing.signal(ROOM, BOB);
    typing.stopped(ROOM, ALICE);
    assert.deepEqual(typing.typists(ROOM), [BOB]);
    assert.equal(changes(), 3);
    typing.stopped(ROOM, ALICE);
    typing.stopped(ROOM, CAROL);
    typing.stopped(ROOM + 1, BOB);
    assert.equal(changes(), 3, "nothing changed");

    mock.timers.tick(EXPIRY_MS);
    assert.deepEqual(typing.typists(ROOM), []);
    assert.equal(changes(), 4, "Alice's old timer publishes nothing: only Bob's expiry");
  });

  test("stop() cancels every pending expiry", () => {
    typing.signal(ROOM, ALICE);
    typing.signal(ROOM + 1, BOB);
    typing.stop();
    assert.deepEqual([typing.typists(ROOM), typing.typists(ROOM + 1)], [[], []]);
    mock.timers.tick(EXPIRY_MS * 2);
    assert.equal(changes(), 2, "no expiry after stop()");
  });
});
