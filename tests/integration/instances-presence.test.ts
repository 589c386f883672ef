import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { LiveSocket, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startAnotherInstance, startTestServer, type TestServer } from "../support/server.js";

const skip = databaseKinds().includes("postgres") ? false : "needs DATABASE_URL: presence across instances shares a PostgreSQL database";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const GRACE_MS = 400;
// Short, but not so short that a busy test machine stalls an instance past three of them.
const HEARTBEAT_MS = 250;
const EXPIRY_MS = 400;
/** How long after a kill -9 its people may still show online: its row expires 3 heartbeats after its last, noticed at the next. */
const DEAD_WITHIN_MS = 4 * HEARTBEAT_MS;
const env = {
  SESSION_SECRET: randomBytes(32).toString("hex"),
  PRESENCE_GRACE_MS: String(GRACE_MS),
  PRESENCE_HEARTBEAT_MS: String(HEARTBEAT_MS),
  TYPING_EXPIRY_MS: String(EXPIRY_MS),
};

const presenceOf = (push: string) => /data-presence="(\d+)"[^>]*title="([^"]+)"/.exec(push)?.slice(1);
const about = (userId: string) => (push: string) => presenceOf(push)?.[0] === userId;
const isTyping = (push: string) => push.startsWith('<div hx-swap-oob="innerHTML:#typing">');
const line = (push: string) => /^<div hx-swap-oob="innerHTML:#typing">(.*)<\/div>$/.exec(push)?.[1];
const typing = (s: LiveSocket) => s.ws.send(JSON.stringify({ signal: "typing", HEADERS: { "HX-Request": "true" } }));
const isOffline = (userId: string) => (push: string) => about(userId)(push) && /title="offline/.test(push);
/** What the latest push about `userId` on `socket` says, if any came. */
const latest = (socket: LiveSocket, userId: string) => presenceOf(socket.received.filter(about(userId)).at(-1) ?? "")?.[1];
const shownOnline = (html: string, userId: string) => new RegExp(`data-presence="${userId}" title="online"`).test(html);

/** The same person, their requests balanced to another instance. */
function on(server: { url: string }, visitor: Visitor): Visitor {
  const there = new Visitor(server.url);
  there.cookie = visitor.cookie;
  return there;
}

/** A new person on `server`, and their user id. */
async function person(server: TestServer, username: string): Promise<[Visitor, string]> {
  const visitor = new Visitor(server.url);
  await visitor.signUp(username);
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>("select id from users where username = $1", [username]);
    return [visitor, String(rows[0]!.id)];
  } finally {
    await db.end();
  }
}

/** Parley as a process of its own (`node src/main.ts`), on `databaseUrl`, so that it can be killed with SIGKILL. */
async function startProcess(databaseUrl: string): Promise<{ url: string; child: ChildProcess; filesDir: string }> {
  const filesDir = await mkdtemp(path.join(tmpdir(), "parley-files-"));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: "memory://",
      FILES_DIR: filesDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const found = /Parley is listening on (http:\/\/[\d.:]+)/.exec(output);
      if (found) resolve(found[1]!);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`Parley ended early (${code}):\n${output}`)));
  });
  return { url, child, filesDir };
}

describe("presence and typing across instances on one PostgreSQL database", { skip }, () => {
  let a: TestServer;
  let b: TestServer;
  let bob: Visitor;
  const pool = socketPool();

  before(async () => {
    a = await startTestServer("postgres", env);
    b = await startAnotherInstance(a, env);
    [bob] = await person(a, "bob");
  });
  after(async () => {
    pool.closeAll();
    await b?.stop();
    await a?.stop();
  });

  test("someone whose only page is on A is pushed online to B's pages, B renders them online, and offline after the grace", async () => {
    const [alice, aliceId] = await person(a, "alice");
    const bobOnB = await pool.open(on(b, bob), 1);
    const onA = await pool.open(alice, 1);
    const [online] = await bobOnB.waitFor(1, 2000, about(aliceId));
    assert.deepEqual(presenceOf(online!), [aliceId, "online"]);
    assert.ok(shownOnline((await on(b, bob).openRoom(1)).html, aliceId), "B's member list shows her online");
    assert.ok(shownOnline((await on(b, bob).get("/people")).html, aliceId), "and so does B's People page");

    const closing = Date.now();
    onA.close();
    // (A second "online" may come before it: B's heartbeat may read her row before the event comes.)
    const [offline] = await bobOnB.waitFor(1, GRACE_MS * 5, isOffline(aliceId));
    assert.ok(Date.now() - closing >= GRACE_MS - 5, "not inside the grace period");
    assert.deepEqual(presenceOf(offline!), [aliceId, "offline, last seen just now"]);
    assert.ok(!shownOnline((await on(b, bob).openRoom(1)).html, aliceId), "B renders her offline");
    bobOnB.close();
  });

  test("typing on A shows on B, and clears there after the expiry", async () => {
    const [carol] = await person(a, "carol");
    const room = await carol.createRoom("Typing across");
    await bob.joinRoom(room);
    const typist = await pool.open(carol, room);
    const reader = await pool.open(on(b, bob), room);
    typing(typist);
    const started = Date.now();
    await reader.waitFor(1, 2000, isTyping);
    assert.deepEqual(reader.received.filter(isTyping).map(line), ["Carol is typing…"]);
    await reader.waitFor(2, EXPIRY_MS * 5, isTyping);
    const took = Date.now() - started;
    assert.deepEqual(reader.received.filter(isTyping).map(line), ["Carol is typing…", ""]);
    assert.ok(took >= EXPIRY_MS - 5 && took < EXPIRY_MS * 3, `cleared after the expiry: ${took} ms`);
    typist.close();
    reader.close();
  });

  test("a reload that moves from A to B does not flicker: B's pages get no offline", async () => {
    const [dave, daveId] = await person(a, "dave");
    // Goes offline after Dave would have: their offline is the later push that shows his did not come.
    const [pacer, pacerId] = await person(a, "pacer");
    const bobOnB = await pool.open(on(b, bob));
    const first = await pool.open(dave);
    await bobOnB.waitFor(1, 2000, about(daveId));
    const pacerTab = await pool.open(pacer);
    await bobOnB.waitFor(1, 2000, about(pacerId));

    first.close();
    await first.closed;
    const reloaded = await pool.open(on(b, dave));
    pacerTab.close();
    await bobOnB.waitFor(2, GRACE_MS * 5, about(pacerId));
    const daves = bobOnB.received.filter(about(daveId)).map((p) => presenceOf(p)![1]);
    assert.ok(
      daves.every((label) => label === "online"),
      `no offline for Dave: ${daves.join(", ")}`,
    );
    assert.ok(shownOnline((await on(b, bob).get("/people")).html, daveId));
    reloaded.close();
    bobOnB.close();
  });

  test("a stopping instance closes its sockets with 1012; those that reconnect to B do not flicker, the others go offline", async () => {
    const c = await startAnotherInstance(a, env);
    let stopped = false;
    try {
      const [erin, erinId] = await person(a, "erin");
      const [pacer, pacerId] = await person(a, "frank");
      const bobOnB = await pool.open(on(b, bob));
      const erinOnC = await pool.open(on(c, erin));
      await pool.open(on(c, pacer));
      await bobOnB.waitFor(1, 2000, about(erinId));
      await bobOnB.waitFor(1, 2000, about(pacerId));

      const stopping = c.stop();
      assert.equal(await erinOnC.closed, 1012);
      // Erin's page reconnects, through the load balancer, to B; Frank's does not come back.
      await pool.open(on(b, erin));
      await stopping;
      stopped = true;
      await bobOnB.waitFor(1, GRACE_MS + DEAD_WITHIN_MS + 3000, isOffline(pacerId));
      assert.match(latest(bobOnB, pacerId)!, /offline/, "Frank, whose page did not come back, goes offline once C's rows expire");
      const erins = bobOnB.received.filter(about(erinId)).map((p) => presenceOf(p)![1]);
      assert.ok(
        erins.every((label) => label === "online"),
        `no offline for Erin: ${erins.join(", ")}`,
      );
      bobOnB.close();
    } finally {
      if (!stopped) await c.stop();
    }
  });

  test(
    `kill -9 of an instance: its people go offline on B within ${DEAD_WITHIN_MS} ms (four heartbeats)`,
    { timeout: 60_000 },
    async (t) => {
      const killed = await startProcess(a.databaseUrl!);
      try {
        const [gina, ginaId] = await person(a, "gina");
        const bobOnB = await pool.open(on(b, bob));
        await pool.open(on(killed, gina));
        await bobOnB.waitFor(1, 5000, about(ginaId));
        await until(() => latest(bobOnB, ginaId) === "online", 5000);

        const exited = once(killed.child, "exit");
        killed.child.kill("SIGKILL");
        await exited;
        const died = Date.now();
        await until(() => latest(bobOnB, ginaId) !== "online", DEAD_WITHIN_MS + 5000);
        const took = Date.now() - died;
        t.diagnostic(`offline on B ${took} ms after the kill`);
        assert.equal(latest(bobOnB, ginaId), "offline, last seen just now");
        // Scheduling on a busy machine adds to the bound: its margin is for that.
        assert.ok(took <= DEAD_WITHIN_MS + 1500, `offline after ${took} ms`);
        assert.ok(!shownOnline((await on(b, gina).get("/people")).html, ginaId), "B renders her offline");
        bobOnB.close();
      } finally {
        killed.child.kill("SIGKILL");
        await rm(killed.filesDir, { recursive: true, force: true });
      }
    },
  );
});

/** Waits for something the servers reach on their own, checking every few milliseconds. */
async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
