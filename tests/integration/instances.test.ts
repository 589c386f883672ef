import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { LiveSocket, socketPool, Visitor } from "../support/client.js";
import { databaseKinds, postgresUrl } from "../support/databases.js";
import { FreezingProxy } from "../support/frozen.js";
import { startAnotherInstance, startTestServer, type TestServer } from "../support/server.js";

const skip = databaseKinds().includes("postgres") ? false : "needs DATABASE_URL: an in-memory PGlite cannot be shared";
// Long, so that only the event bus can make another instance forget a session in time.
const CACHE_MS = 30_000;
const htmx = { "hx-request": "true" };
const messageIds = (html: string) => [...html.matchAll(/<li id="message-(\d+)"/g)].map((m) => Number(m[1]));
const isMessage = (push: string) => push.startsWith('<div hx-swap-oob="beforeend:#messages">');
/** Every message a socket was sent, live or in a catch-up frame, in the order it came. */
const messagesOn = (socket: LiveSocket) => socket.received.filter(isMessage).flatMap(messageIds);

describe("two instances on one PostgreSQL database", { skip }, () => {
  let a: TestServer;
  let b: TestServer;
  let alice: Visitor, bobOnA: Visitor, bobOnB: Visitor;
  const pool = socketPool();
  const opened: LiveSocket[] = [];

  before(async () => {
    const env = { SESSION_SECRET: randomBytes(32).toString("hex"), SESSION_CACHE_MS: String(CACHE_MS) };
    a = await startTestServer("postgres", env);
    b = await startAnotherInstance(a, env);
    alice = new Visitor(a.url);
    await alice.signUp("alice");
    bobOnA = new Visitor(a.url);
    await bobOnA.signUp("bob");
    // The same person, their requests balanced to the other instance.
    bobOnB = new Visitor(b.url);
    bobOnB.cookie = bobOnA.cookie;
  });
  after(async () => {
    pool.closeAll();
    for (const socket of opened) socket.close();
    await b?.stop();
    await a?.stop();
  });

  /** A room of Alice's that Bob is in, with a socket on each instance for each of them. */
  async function roomWatchedFromBoth(name: string) {
    const room = await alice.createRoom(name);
    await bobOnA.joinRoom(room);
    const aliceOnB = new Visitor(b.url);
    aliceOnB.cookie = alice.cookie;
    const sockets: LiveSocket[] = [];
    for (const visitor of [alice, bobOnA, aliceOnB, bobOnB]) {
      // As a room page at its newest end opens it: the room is empty, so it shows up to "message 0".
      const socket = visitor.socket(room, {}, 0);
      await socket.opened;
      sockets.push(socket);
      opened.push(socket);
    }
    return { room, sockets, aliceOnB };
  }

  test("concurrent posts on both instances reach every socket on both, once each and in id order", async () => {
    const { room, sockets, aliceOnB } = await roomWatchedFromBoth("Everywhere");
    const posters = [alice, bobOnA, aliceOnB, bobOnB];
    // Each reads the room first, as a person does, which gives them the form's CSRF token.
    for (const v of posters) await v.openRoom(room);
    const perPoster = 12;
    await Promise.all(
      posters.map(async (v, p) => {
        for (let i = 0; i < perPoster; i += 3) {
          await Promise.all([0, 1, 2].map((k) => v.post(`/rooms/${room}/messages`, { body: `${p}-${i + k}` }, htmx)));
        }
      }),
    );
    const total = posters.length * perPoster;
    for (const socket of sockets) {
      await socket.waitFor(total, 10_000, isMessage);
      const received = messagesOn(socket);
      assert.equal(received.length, total);
      assert.equal(new Set(received).size, total, "each once");
      assert.deepEqual(
        received,
        [...received].sort((x, y) => x - y),
        "in id order",
      );
    }
  });

  test("a log-out on one instance closes the person's sockets on the other and B refuses the cookie within a second", async () => {
    const carolOnA = new Visitor(a.url);
    await carolOnA.signUp("carol");
    const carolOnB = new Visitor(b.url);
    carolOnB.cookie = carolOnA.cookie;
    assert.equal((await carolOnB.get("/rooms")).status, 200, "B serves the session A started (and keeps it)");
    const socketOnB = await pool.open(carolOnB);

    await carolOnA.get("/rooms");
    const loggedOut = Date.now();
    assert.equal((await carolOnA.post("/logout")).location, "/login");
    await socketOnB.closed;
    assert.ok(Date.now() - loggedOut < 1000, "the socket on B closed within a second");
    assert.equal((await carolOnB.get("/rooms")).status, 303, "B sends the old cookie to log in");
    assert.ok(Date.now() - loggedOut < 1000 + 500, "well before B's cache of the session would have run out");
    assert.equal(await carolOnB.socket().refused, 401);
  });

  test("when the event connections drop while messages are posted, each instance listens again and its pages end with every message, once", async () => {
    const { room, sockets } = await roomWatchedFromBoth("Dropped");
    await alice.openRoom(room);
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = current_database() and query ilike 'listen parley_events%'",
      );
      assert.equal(rows.length, 2, "one listening connection per instance");
      await admin.query("select pg_terminate_backend(pid) from unnest($1::int[]) as pid", [rows.map((r) => r.pid)]);
      // Posted while neither instance listens: their notifications reach no one.
      for (let i = 0; i < 5; i++) await alice.post(`/rooms/${room}/messages`, { body: `in the gap ${i}` }, htmx);
      // And posted once they listen again (each instance's listener is back).
      await until(async () => (await listeners(admin)) === 2);
      await alice.post(`/rooms/${room}/messages`, { body: "after the gap" }, htmx);
      for (const socket of sockets) {
        await until(() => messagesOn(socket).length >= 6, 10_000);
        const received = messagesOn(socket);
        assert.equal(received.length, 6, `every message once, got ${received.join(", ")}`);
        assert.deepEqual(
          received,
          [...received].sort((x, y) => x - y),
        );
      }
    } finally {
      await admin.end();
    }
  });
});

describe("two instances when PostgreSQL goes away for a few seconds", { skip }, () => {
  test("both recover by themselves: posts work again and reach the other instance's sockets", { timeout: 60_000 }, async () => {
    const target = new URL(postgresUrl!);
    const proxy = await FreezingProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const throughProxy = (url: string) => {
      const proxied = new URL(url);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(proxy.port);
      return proxied.toString();
    };
    const env = { SESSION_SECRET: randomBytes(32).toString("hex") };
    let a: TestServer | undefined;
    let b: TestServer | undefined;
    let socket: LiveSocket | undefined;
    try {
      a = await startTestServer("postgres", env, { route: throughProxy });
      b = await startAnotherInstance(a, env, { route: throughProxy });
      const alice = new Visitor(a.url);
      await alice.signUp("alice");
      const bob = new Visitor(a.url);
      await bob.signUp("bob");
      const room = await alice.createRoom("Outage");
      await bob.joinRoom(room);
      const bobOnB = new Visitor(b.url);
      bobOnB.cookie = bob.cookie;
      socket = bobOnB.socket(room, {}, 0);
      await socket.opened;
      await alice.openRoom(room);

      proxy.refuse();
      // The outage lasts a few seconds: longer than the event connection's first retries.
      await until(async () => (await fetch(`${b!.url}/healthz`)).status === 503, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      proxy.accept();

      // Nobody restarts anything: the first post after the outage may still meet a dropped
      // connection, but posts succeed again within a few seconds, and reach B's sockets once each.
      await until(
        async () => (await fetch(`${a!.url}/healthz`)).status === 200 && (await fetch(`${b!.url}/healthz`)).status === 200,
        15_000,
      );
      let sent = 0;
      await until(async () => {
        const res = await alice.post(`/rooms/${room}/messages`, { body: `after the outage ${sent}` }, htmx);
        if (res.status === 204) sent++;
        return sent === 2;
      }, 15_000);
      await until(() => messagesOn(socket!).length >= 2, 15_000);
      assert.equal(new Set(messagesOn(socket)).size, messagesOn(socket).length, "each once");
    } finally {
      socket?.close();
      await b?.stop();
      await a?.stop();
      await proxy.close();
    }
  });
});

async function listeners(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    "select count(*) as n from pg_stat_activity where datname = current_database() and query ilike 'listen parley_events%'",
  );
  return Number(rows[0]!.n);
}

/** Waits for something the servers reach on their own, checking every few milliseconds. */
async function until(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
