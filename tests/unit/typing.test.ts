import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import type { DomainEvent, EventBus } from "../../src/domain/events.js";
import { Typing } from "../../src/domain/typing.js";

const EXPIRY_MS = 400;
const ROOM = 7;
const [ALICE, BOB, CAROL] = [1, 2, 3];

/**
 * A bus shared by instances: it keeps what is published and delivers it at once to every
 * subscriber (the real ones deliver in a microtask), the publisher included, as the real ones do.
 */
function sharedBus(): Pick<EventBus, "publish" | "subscribe"> & { published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  const listeners = new Set<(event: DomainEvent) => void>();
  return {
    published,
    publish(event) {
      published.push(event);
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let bus: ReturnType<typeof sharedBus>;
let typing: Typing;
/** The rooms whose typists changed, as told to the hub. */
let changed: number[];
const changes = () => changed.length;
const told = (userId: number, typing: boolean): DomainEvent => ({ kind: "typing.changed", roomId: ROOM, userId, typing });

describe("Typing, on a mocked clock", () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    bus = sharedBus();
    typing = new Typing(bus, EXPIRY_MS);
    changed = [];
    typing.onChanged((roomId) => void changed.push(roomId));
  });
  afterEach(() => {
    typing.stop();
    mock.timers.reset();
  });

  test("a first signal is a change; repeats are not, and each one restarts the typist's clock", () => {
    typing.signal(ROOM, ALICE);
    assert.deepEqual(bus.published, [told(ALICE, true)]);
    assert.deepEqual(changed, [ROOM]);
    mock.timers.tick(EXPIRY_MS - 100);
    typing.signal(ROOM, ALICE);
    assert.equal(changes(), 1, "a repeat says nothing new");

    mock.timers.tick(EXPIRY_MS - 1);
    assert.deepEqual(typing.typists(ROOM), [ALICE], "the repeat's clock, not the first signal's");
    mock.timers.tick(1);
    assert.deepEqual(typing.typists(ROOM), []);
    assert.equal(changes(), 2, "expiring is a change");
    assert.deepEqual(bus.published.at(-1), told(ALICE, false), "and is told to the other instances");
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
    assert.equal(bus.published.length, 3, "nor was anything told");

    mock.timers.tick(EXPIRY_MS);
    assert.deepEqual(typing.typists(ROOM), []);
    assert.equal(changes(), 4, "Alice's old timer changes nothing: only Bob's expiry");
  });

  test("stop() cancels every pending expiry", () => {
    typing.signal(ROOM, ALICE);
    typing.signal(ROOM + 1, BOB);
    typing.stop();
    assert.deepEqual([typing.typists(ROOM), typing.typists(ROOM + 1)], [[], []]);
    mock.timers.tick(EXPIRY_MS * 2);
    assert.equal(changes(), 2, "no expiry after stop()");
  });

  describe("across instances", () => {
    let other: Typing;
    let changedThere: number[];
    beforeEach(() => {
      other = new Typing(bus, EXPIRY_MS);
      changedThere = [];
      other.onChanged((roomId) => void changedThere.push(roomId));
    });
    afterEach(() => other.stop());

    test("the other instance shows a typist of this one, and drops them when they stop or expire", () => {
      typing.signal(ROOM, ALICE);
      other.signal(ROOM, BOB);
      assert.deepEqual(other.typists(ROOM), [ALICE, BOB], "the union, in the order they started");
      assert.deepEqual(typing.typists(ROOM), [ALICE, BOB]);
      typing.stopped(ROOM, ALICE);
      assert.deepEqual(other.typists(ROOM), [BOB]);
      assert.deepEqual(changedThere, [ROOM, ROOM, ROOM]);
      mock.timers.tick(EXPIRY_MS);
      assert.deepEqual([typing.typists(ROOM), other.typists(ROOM)], [[], []], "Bob's expiry, told by the other, reaches both");
    });

    test("a typist who keeps typing is told again at most every half expiry, and stays shown there", () => {
      typing.signal(ROOM, ALICE);
      for (let t = 0; t < 10; t++) {
        mock.timers.tick(EXPIRY_MS / 4);
        typing.signal(ROOM, ALICE);
        assert.deepEqual(other.typists(ROOM), [ALICE]);
      }
      const tellings = bus.published.filter((e) => e.kind === "typing.changed" && e.typing).length;
      assert.equal(tellings, 6, "at 0, then every other signal (each half expiry)");
      assert.deepEqual(changedThere, [ROOM], "shown once");
    });

    test("a typist whose instance died (no 'stopped' ever comes) expires there within 1.5 × the expiry", () => {
      typing.signal(ROOM, ALICE);
      // The instance dies: it neither signals nor tells any more.
      typing.stop();
      mock.timers.tick(EXPIRY_MS * 1.5 - 1);
      assert.deepEqual(other.typists(ROOM), [ALICE]);
      mock.timers.tick(1);
      assert.deepEqual(other.typists(ROOM), []);
      assert.deepEqual(changedThere, [ROOM, ROOM]);
    });

    test("a send handled by another instance stops the typist everywhere", () => {
      typing.signal(ROOM, ALICE);
      other.stopped(ROOM, ALICE);
      assert.deepEqual([typing.typists(ROOM), other.typists(ROOM)], [[], []]);
      mock.timers.tick(EXPIRY_MS * 2);
      assert.equal(bus.published.length, 2, "her own instance tells nothing more");
    });
  });
});
