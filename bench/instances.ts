// Several Parley processes on one PostgreSQL (issue 14). Three figures, in one run:
// 1. Delivery latency from a POST on instance A to a socket on B, against A to a socket on A: one
//    room whose members hold sockets on both, a poster on A at a fixed rate (open loop).
// 2. Posts per second with one instance and with two (posters split across both), each message
//    delivered to the room's sockets on every instance: the rate at which posts are answered.
// 3. The ceiling of NOTIFY on this machine: notifications per second one listener receives from
//    several senders, Parley's payload size, no Parley involved.
// Needs PostgreSQL (DATABASE_URL names the server; each run gets a fresh database).
// Usage: npm run bench:instances [-- --members 10 --rate 50 --seconds 5 --posters 8]
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { Visitor, type LiveSocket } from "../tests/support/client.js";
import { freshPostgresDatabase, postgresUrl } from "../tests/support/databases.js";
import { percentile, startParley } from "./support.js";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "10" },
    rate: { type: "string", default: "50" },
    seconds: { type: "string", default: "5" },
    posters: { type: "string", default: "8" },
  },
});
const MEMBERS = Number(values.members);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const POSTERS = Number(values.posters);
const htmx = { "hx-request": "true" };
const MESSAGE_BODY = /<div class="message-body[^"]*"><p>([^<]*)<\/p><\/div>/g;

if (!postgresUrl) {
  console.log("bench:instances needs PostgreSQL: set DATABASE_URL (several instances share one PostgreSQL; PGlite is one process's own).");
  process.exit(0);
}

interface Instance {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

async function instances(count: number): Promise<{ all: Instance[]; close: () => Promise<void> }> {
  const db = await freshPostgresDatabase();
  const filesDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-files-"));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-"));
  const env = {
    DATABASE_URL: db.url,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    FILES_DIR: filesDir,
    DATA_DIR: dataDir,
    RATE_LIMIT_AUTH_PER_15_MIN: "100000",
    RATE_LIMIT_MESSAGES_PER_MIN: "10000000",
  };
  const all: Instance[] = [];
  for (let i = 0; i < count; i++) all.push(await startParley(env));
  return {
    all,
    async close() {
      for (const instance of all) await instance.stop();
      await db.drop();
      await rm(filesDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The same person on another instance: their cookie, and the CSRF token of a page read there. */
async function onInstance(visitor: Visitor, url: string, roomId: number): Promise<Visitor> {
  const there = new Visitor(url);
  there.cookie = visitor.cookie;
  await there.openRoom(roomId);
  return there;
}

/** A room with `members` people, each with a socket on every instance; its poster's visitor per instance. */
async function room(all: Instance[], label: string) {
  const poster = new Visitor(all[0]!.url);
  await poster.signUp(`${label}poster`);
  const roomId = await poster.createRoom(label);
  const sockets: Array<{ instance: number; socket: LiveSocket }> = [];
  for (let m = 0; m < MEMBERS; m++) {
    const member = new Visitor(all[0]!.url);
    await member.signUp(`${label}member${m}`);
    await member.joinRoom(roomId);
    for (let i = 0; i < all.length; i++) {
      const there = i === 0 ? member : await onInstance(member, all[i]!.url, roomId);
      const socket = there.socket(roomId, {}, 0);
      await socket.opened;
      sockets.push({ instance: i, socket });
    }
  }
  await poster.openRoom(roomId);
  const posters = [poster];
  for (let i = 1; i < all.length; i++) posters.push(await onInstance(poster, all[i]!.url, roomId));
  return { roomId, sockets, posters, close: () => sockets.forEach(({ socket }) => socket.close()) };
}

/** Figure 1: POST on A, arrival at every socket; latencies per instance the socket is on. */
async function latency(): Promise<{ sameMs: number[]; otherMs: number[] }> {
  const { all, close } = await instances(2);
  try {
    const r = await room(all, "latency");
    const started = new Map<string, number>();
    const byInstance: number[][] = [[], []];
    for (const { instance, socket } of r.sockets) {
      socket.ws.on("message", (data: Buffer) => {
        for (const [, body] of data.toString().matchAll(MESSAGE_BODY)) {
          const start = started.get(body!);
          if (start !== undefined) byInstance[instance]!.push(performance.now() - start);
        }
      });
    }
    const total = RATE * SECONDS;
    const begin = performance.now();
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = begin + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const body = `latency ${i}`;
      started.set(body, performance.now());
      posts.push(r.posters[0]!.post(`/rooms/${r.roomId}/messages`, { body }, htmx));
    }
    await Promise.all(posts);
    const expected = total * MEMBERS;
    const deadline = Date.now() + 10_000;
    while ((byInstance[0]!.length < expected || byInstance[1]!.length < expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    r.close();
    const sorted = byInstance.map((xs) => [...xs].sort((a, b) => a - b));
    return { sameMs: sorted[0]!, otherMs: sorted[1]! };
  } finally {
    await close();
  }
}

/** Figure 2: closed loop, POSTERS concurrent posters split across the instances, for SECONDS. */
async function throughput(count: number): Promise<number> {
  const { all, close } = await instances(count);
  try {
    const r = await room(all, "throughput");
    let posted = 0;
    const end = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: POSTERS }, async (_, p) => {
        const poster = r.posters[p % r.posters.length]!;
        for (let i = 0; performance.now() < end; i++) {
          const res = await poster.post(`/rooms/${r.roomId}/messages`, { body: `p${p} ${i}` }, htmx);
          if (res.status === 204) posted++;
        }
      }),
    );
    r.close();
    return posted / SECONDS;
  } finally {
    await close();
  }
}

/** Figure 3: notifications per second through one channel to one listener, from 4 senders. */
async function notifyCeiling(): Promise<number> {
  const db = await freshPostgresDatabase();
  const listener = new pg.Client({ connectionString: db.url });
  const senders = Array.from({ length: 4 }, () => new pg.Client({ connectionString: db.url }));
  try {
    await listener.connect();
    await Promise.all(senders.map((s) => s.connect()));
    await listener.query("listen bench_events");
    let heard = 0;
    listener.on("notification", () => heard++);
    const payload = JSON.stringify({ kind: "message.created", roomId: 123456, messageId: 12345678, authorId: 123456 });
    const end = performance.now() + SECONDS * 1000;
    let sent = 0;
    await Promise.all(
      senders.map(async (s) => {
        // Eight a round trip, as a busy process's many transactions would.
        while (performance.now() < end) {
          await Promise.all(Array.from({ length: 8 }, () => s.query("select pg_notify('bench_events', $1)", [payload])));
          sent += 8;
        }
      }),
    );
    const deadline = Date.now() + 10_000;
    while (heard < sent && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return heard / SECONDS;
  } finally {
    await listener.end();
    for (const s of senders) await s.end();
    await db.drop();
  }
}

const ms = (xs: number[], p: number) => (xs.length ? percentile(xs, p).toFixed(1) : "n/a");
const { sameMs, otherMs } = await latency();
const one = await throughput(1);
const two = await throughput(2);
const ceiling = await notifyCeiling();

console.log(
  `\nSeveral instances on one PostgreSQL (127.0.0.1), ${os.cpus().length} cores, node ${process.version}: ` +
    `a room of ${MEMBERS} members, each with a socket on every instance`,
);
console.log("| delivery, POST on A to | deliveries | p50 ms | p99 ms |");
console.log("| --- | --- | --- | --- |");
console.log(`| a socket on A | ${sameMs.length} | ${ms(sameMs, 50)} | ${ms(sameMs, 99)} |`);
console.log(`| a socket on B | ${otherMs.length} | ${ms(otherMs, 50)} | ${ms(otherMs, 99)} |`);
console.log(`(open loop, ${RATE} posts/s for ${SECONDS} s)\n`);
console.log(`| instances | posts/s (${POSTERS} posters, closed loop, ${SECONDS} s) |`);
console.log("| --- | --- |");
console.log(`| 1 | ${one.toFixed(0)} |`);
console.log(`| 2 | ${two.toFixed(0)} |`);
console.log(`\nNOTIFY ceiling: ${ceiling.toFixed(0)} notifications/s to one listener (4 senders, ${SECONDS} s, Parley's payload size)`);
