import assert from "node:assert/strict";
import { test } from "node:test";
import { WebSocket } from "ws";
import { pingSweep } from "../../src/realtime/heartbeat.js";
import { Registry } from "../../src/realtime/registry.js";
import { oncePerKey, Transport, type PageState } from "../../src/realtime/transport.js";
import { fakeClient, nextTurn } from "../support/fake-clients.js";

test("what one turn writes to a socket leaves corked, in one write; the next turn corks again", async () => {
  const transport = new Transport();
  const a = fakeClient(1);
  const b = fakeClient(2);
  transport.write(a, "one");
  transport.write(a, "two");
  transport.write(b, "three");
  assert.deepEqual([a.corks, a.uncorks, b.corks, b.uncorks], [1, 0, 1, 0], "corked once each, until the turn ends");
  await nextTurn();
  assert.deepEqual([a.uncorks, b.uncorks], [1, 1]);
  transport.write(a, "four");
  assert.equal(a.corks, 2);
  assert.deepEqual(a.sent, ["one", "two", "four"]);
  assert.deepEqual(b.sent, ["three"]);
});

test("a socket that is not open is written nothing", () => {
  const transport = new Transport();
  const closing = fakeClient(1);
  (closing.ws as { readyState: number }).readyState = WebSocket.CLOSING;
  transport.write(closing, "late");
  assert.deepEqual(closing.sent, []);
  assert.equal(closing.corks, 0);
});

test("pushes wait behind the page's state, then follow it in order", async () => {
  const transport = new Transport();
  const page = fakeClient(1);
  let resolveState!: (state: PageState) => void;
  const released = transport.holdUntil(page, new Promise((resolve) => (resolveState = resolve)));
  transport.write(page, "first push");
  transport.send([page], "second push");
  assert.deepEqual(page.sent, [], "nothing goes out before the state");
  resolveState({ html: "state", newest: null });
  await released;
  assert.deepEqual(page.sent, ["state", "first push", "second push"]);
  assert.equal(page.held, null);
  transport.write(page, "later");
  assert.equal(page.sent.at(-1), "later", "once released, pushes go straight out");
});

test("an empty state releases the held pushes alone", async () => {
  const transport = new Transport();
  const page = fakeClient(1);
  const released = transport.holdUntil(page, Promise.resolve({ html: "", newest: null }));
  transport.write(page, "push");
  await released;
  assert.deepEqual(page.sent, ["push"]);
});

test("a held message the page's state already carried is dropped; one newer follows the state", async () => {
  const transport = new Transport();
  const page = fakeClient(1, { roomId: 7 });
  page.newest = 10;
  let resolveState!: (state: PageState) => void;
  const released = transport.holdUntil(page, new Promise((resolve) => (resolveState = resolve)));
  transport.send([page], "message 11", undefined, { messageId: 11 });
  transport.send([page], "message 12", undefined, { messageId: 12 });
  transport.send([page], "a receipt");
  resolveState({ html: "state up to 11", newest: 11 });
  await released;
  assert.deepEqual(page.sent, ["state up to 11", "message 12", "a receipt"]);
  assert.equal(page.newest, 12);
});

test("a message goes to each page once: not again, and not to a page that has a newer one", () => {
  const transport = new Transport();
  const [behind, ahead] = [fakeClient(1, { roomId: 7 }), fakeClient(2, { roomId: 7 })];
  ahead.newest = 20;
  transport.send([behind, ahead], "message 15", undefined, { messageId: 15 });
  transport.send([behind, ahead], "message 15", undefined, { messageId: 15 });
  assert.deepEqual(behind.sent, ["message 15"]);
  assert.deepEqual(ahead.sent, []);
  assert.deepEqual([behind.newest, ahead.newest], [15, 20]);
});

test("send: to every socket, or to those whose user is in the audience; a variant is asked per socket", () => {
  const transport = new Transport();
  const [a, b, c] = [fakeClient(1, { roomId: 7 }), fakeClient(2, { roomId: 7 }), fakeClient(3, { roomId: 8 })];
  transport.send([a, b, c], "all");
  transport.send([a, b, c], "members", new Set([1, 3]));
  transport.send([a, b, c], (client) => `for ${client.userId} in ${client.roomId}`, new Set([2, 3]));
  assert.deepEqual(a.sent, ["all", "members"]);
  assert.deepEqual(b.sent, ["all", "for 2 in 7"]);
  assert.deepEqual(c.sent, ["all", "members", "for 3 in 8"]);
});

test("oncePerKey renders once per distinct key", () => {
  const renders: string[] = [];
  const cache = oncePerKey<string>();
  const render = (key: string) => cache(key, () => (renders.push(key), `<${key}>`));
  assert.deepEqual(["a", "b", "a", "a", "b"].map(render), ["<a>", "<b>", "<a>", "<a>", "<b>"]);
  assert.deepEqual(renders, ["a", "b"]);
});

test("the registry finds sockets by user, room and the People page, and forgets a removed one", () => {
  const registry = new Registry();
  const home = fakeClient(1);
  const room = fakeClient(1, { roomId: 5 });
  const people = fakeClient(2, { watchesPeople: true });
  for (const client of [home, room, people]) registry.add(client);
  assert.equal(registry.size, 3);
  assert.equal(registry.socketsOf(1), 2);
  assert.deepEqual([...registry.inRoom(5)], [room]);
  assert.deepEqual([...registry.peopleWatchers], [people]);
  assert.equal(registry.isOnline(2), true);
  registry.remove(room);
  registry.remove(people);
  assert.equal(registry.inRoom(5).size, 0);
  assert.equal(registry.peopleWatchers.size, 0);
  assert.equal(registry.isOnline(2), false);
  assert.deepEqual([...registry.all()], [home]);
});

test("the ping sweep cuts off sockets that did not answer and pings the rest, 500 a turn", async () => {
  const clients = Array.from({ length: 1200 }, (_, i) => fakeClient(i + 1));
  const silent = clients[600]!;
  silent.alive = false;
  pingSweep(clients);
  assert.equal(clients.filter((c) => c.pings === 1).length, 500, "the first slice in this turn");
  await nextTurn();
  await nextTurn();
  assert.equal(silent.terminated, true);
  assert.equal(silent.pings, 0);
  const others = clients.filter((c) => c !== silent);
  assert.ok(
    others.every((c) => c.pings === 1 && !c.terminated && !c.alive),
    "pinged once, alive again only when they answer",
  );
});

test("a change to a message goes to each page once, and not to a page whose catch-up reflects it", async () => {
  const transport = new Transport();
  const [seen, fresh] = [fakeClient(1, { roomId: 7 }), fakeClient(2, { roomId: 7 })];
  seen.changes = 5;
  transport.send([seen, fresh], "change 5", undefined, { change: 5 });
  transport.send([seen, fresh], "change 6", undefined, { change: 6 });
  transport.send([seen, fresh], "change 6", undefined, { change: 6 });
  assert.deepEqual(seen.sent, ["change 6"]);
  assert.deepEqual(fresh.sent, ["change 5", "change 6"]);

  const page = fakeClient(3, { roomId: 7 });
  let resolveState!: (state: PageState) => void;
  const released = transport.holdUntil(page, new Promise((resolve) => (resolveState = resolve)));
  transport.send([page], "change 8", undefined, { change: 8 });
  transport.send([page], "change 9", undefined, { change: 9 });
  resolveState({ html: "state with changes up to 8", newest: null, changes: 8 });
  await released;
  assert.deepEqual(page.sent, ["state with changes up to 8", "change 9"]);
  assert.equal(page.changes, 9);
});
