// Scenario 2, the big room: 100 and 1,000 WebSocket clients in one room (20 sockets per person,
// as people keep several tabs), 30 messages posted 100 ms apart. Every client must receive every
// message exactly once (counted); delivery is timed from the start of the POST to each client's
// receipt. Parley runs in its own process; the clients run in this one. Three rounds per size.
// Then the same against the Express + Socket.IO baseline and the plain `ws` ceiling (bench/baseline),
// in the same run, and Parley ÷ each for each figure.
// Usage: npm run bench:big-room [-- --clients 100,1000 --messages 30 --rounds 3]
import os from "node:os";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { io as ioClient, type Socket as ClientSocket } from "socket.io-client";
import { WebSocket } from "ws";
import { LiveSocket, Visitor } from "../tests/support/client.js";
import { freshPostgresDatabase } from "../tests/support/databases.js";
import { cpuMs, median, percentile, spread, startParleyForLoad } from "./support.js";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "100,1000" }, messages: { type: "string", default: "30" }, rounds: { type: "string", default: "3" } },
});
const sizes = values.clients.split(",").map(Number);
const messageCount = Number(values.messages);
const rounds = Number(values.rounds);
const SOCKETS_PER_PERSON = 20;


/** What a round needs from a server under test: its process, its clients, and a way to post. */
interface Target {
  pid: number;
  /** For each client: subscribe to the bodies of the messages it receives; returns an unsubscribe. */
  clients: Array<(onBody: (body: string) => void) => () => void>;
  post(body: string): Promise<void>;
  close(): void;
}

/** Parley: people with 20 sockets each on the room page's WebSocket; the poster posts as htmx does. */
async function parleyTarget(url: string, pid: number, clients: number): Promise<Target> {
  const poster = new Visitor(url);
  await poster.signUp(`poster${clients}`);
  const roomId = await poster.createRoom(`big room ${clients}`);
  const sockets: LiveSocket[] = [];
  for (let p = 0; sockets.length < clients; p++) {
    const v = new Visitor(url);
    await v.signUp(`reader${clients}x${p}`);
    await v.joinRoom(roomId);
    for (let s = 0; s < SOCKETS_PER_PERSON && sockets.length < clients; s++) sockets.push(v.socket(roomId));
  }
  await Promise.all(sockets.map((s) => s.opened));
  await poster.openRoom(roomId);
  return {
    pid,
    clients: sockets.map((socket) => (onBody) => {
      const listener = (data: Buffer) => {
        const body = /<p class="message-body">([^<]*)<\/p>/.exec(data.toString())?.[1];
        if (body) onBody(body);
      };
      socket.ws.on("message", listener);
      return () => socket.ws.off("message", listener);
    }),
    post: async (body) => void (await poster.post(`/rooms/${roomId}/messages`, { body }, { "hx-request": "true" })),
    close: () => sockets.forEach((s) => s.close()),
  };
}

/** The Socket.IO baseline: the same number of clients, over Socket.IO's WebSocket transport. */
async function baselineTarget(server: { url: string; pid: number; roomId: number; authorId: number }, clients: number): Promise<Target> {
  const sockets: ClientSocket[] = [];
  for (let k = 0; k < clients; k++) sockets.push(ioClient(server.url, { query: { room: server.roomId }, transports: ["websocket"], forceNew: true }));
  await Promise.all(sockets.map((s) => new Promise((resolve) => s.once("connect", () => resolve(undefined)))));
  return {
    pid: server.pid,
    clients: sockets.map((socket) => (onBody) => {
      const listener = (row: { body: string }) => onBody(row.body);
      socket.on("message", listener);
      return () => socket.off("message", listener);
    }),
    post: async (body) => {
      const res = await fetch(`${server.url}/rooms/${server.roomId}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ body, authorId: server.authorId }),
      });
      await res.arrayBuffer();
    },
    close: () => sockets.forEach((s) => s.close()),
  };
}

/** The `ws` ceiling: plain WebSocket clients, JSON frames. */
async function ceilingTarget(server: { url: string; pid: number }, clients: number): Promise<Target> {
  const sockets: WebSocket[] = [];
  for (let k = 0; k < clients; k++) sockets.push(new WebSocket(server.url.replace(/^http/, "ws")));
  await Promise.all(sockets.map((s) => new Promise((resolve) => s.once("open", resolve))));
  return {
    pid: server.pid,
    clients: sockets.map((socket) => (onBody) => {
      const listener = (data: Buffer) => onBody((JSON.parse(data.toString()) as { body: string }).body);
      socket.on("message", listener);
      return () => socket.off("message", listener);
    }),
    post: async (body) => {
      const res = await fetch(server.url, { method: "POST", body: JSON.stringify({ body }) });
      await res.arrayBuffer();
    },
    close: () => sockets.forEach((s) => s.close()),
  };
}

/** A warm-up round, then `rounds` rounds of `messageCount` posts 100 ms apart, counted per client. */
async function measure(target: Target) {
  const clients = target.clients.length;
  const results = [];
  for (let round = 0; round < rounds + 1; round++) {
    const sent = new Map<number, number>();
    const arrivals: number[] = [];
    const counts = new Map<string, number>();
    const listeners = target.clients.map((subscribe, k) =>
      subscribe((body) => {
        const match = /^round (\d+) message (\d+)$/.exec(body);
        if (!match || Number(match[1]) !== round) return;
        const i = Number(match[2]);
        arrivals.push(performance.now() - sent.get(i)!);
        const key = `${k}:${i}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }),
    );
    const cpuBefore = await cpuMs(target.pid);
    for (let i = 0; i < messageCount; i++) {
      sent.set(i, performance.now());
      await target.post(`round ${round} message ${i}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const deadline = Date.now() + 10_000;
    while (arrivals.length < clients * messageCount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const cpu = (await cpuMs(target.pid)) - cpuBefore;
    for (const stop of listeners) stop();
    const twice = [...counts.values()].filter((n) => n > 1).length;
    const sorted = arrivals.sort((a, b) => a - b);
    // The first round warms up and is not counted.
    if (round === 0) continue;
    results.push({
      delivered: `${counts.size} of ${clients * messageCount}`,
      complete: counts.size === clients * messageCount && twice === 0,
      twice,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1)!,
      cpuPerMessage: cpu / messageCount,
    });
  }
  target.close();
  return results;
}

type Results = Awaited<ReturnType<typeof measure>>;

function summary(runs: Results) {
  const pick = (f: (r: Results[number]) => number) => runs.map(f);
  return {
    complete: runs.every((r) => r.complete),
    detail: runs.map((r) => r.delivered + (r.twice ? `, ${r.twice} twice` : "")).join("; "),
    p50: median(pick((r) => r.p50)),
    p50Spread: spread(pick((r) => r.p50)),
    p99: median(pick((r) => r.p99)),
    p99Spread: spread(pick((r) => r.p99)),
    max: median(pick((r) => r.max)),
    cpu: median(pick((r) => r.cpuPerMessage)),
  };
}

/** Starts a baseline server (bench/baseline/NAME.ts) in its own process, on the given database. */
async function startBaseline(name: string, databaseUrl: string | undefined) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ["--import", "tsx", `bench/baseline/${name}.ts`], {
    env: { ...process.env, PORT: String(port), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: "" }), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<{ roomId: number; authorId: number }>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const line = /listening (\{.*\})/.exec(chunk.toString());
      if (line) resolve(JSON.parse(line[1]!));
    });
    child.once("exit", () => reject(new Error("the baseline server stopped")));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    ...ready,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}

const parley = await startParleyForLoad();
const database = parley.database;
try {
  const parleyRows = [];
  for (const clients of sizes) parleyRows.push({ clients, ...summary(await measure(await parleyTarget(parley.url, parley.pid, clients))) });
  const baselineDb = parley.onPostgres ? await freshPostgresDatabase() : null;
  const baseline = await startBaseline("socketio-server", baselineDb?.url);
  const baselineRows = [];
  try {
    for (const clients of sizes) baselineRows.push({ clients, ...summary(await measure(await baselineTarget(baseline, clients))) });
  } finally {
    await baseline.stop();
    await baselineDb?.drop();
  }
  const ceiling = await startBaseline("ws-ceiling", undefined);
  const ceilingRows = [];
  try {
    for (const clients of sizes) ceilingRows.push({ clients, ...summary(await measure(await ceilingTarget(ceiling, clients))) });
  } finally {
    await ceiling.stop();
  }
  console.log(JSON.stringify({ parleyRows, baselineRows, ceilingRows }));
  console.log(`\nBig room: ${messageCount} messages 100 ms apart, ${rounds} rounds after a warm-up round, ${database}, ${os.cpus().length} cores, node ${process.version}`);
  console.log("| server | clients | every message to every client exactly once | p50 ms (spread) | p99 ms (spread) | max ms | server CPU ms per message |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const [name, rows] of [["Parley", parleyRows], ["Express + Socket.IO baseline", baselineRows], ["ws ceiling (no database)", ceilingRows]] as const) {
    for (const r of rows) {
      console.log(
        `| ${name} | ${r.clients} | ${r.complete ? `yes, ${rounds} × ${r.clients * messageCount}` : `NO: ${r.detail}`} | ${r.p50.toFixed(1)} (${r.p50Spread}) | ` +
          `${r.p99.toFixed(1)} (${r.p99Spread}) | ${r.max.toFixed(1)} | ${r.cpu.toFixed(1)} |`,
      );
    }
  }
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a (too little to measure)");
  console.log("\n| clients | compared with | p50 Parley ÷ it | p99 Parley ÷ it | CPU per message Parley ÷ it |\n| --- | --- | --- | --- | --- |");
  for (const [k, p] of parleyRows.entries()) {
    for (const [name, other] of [["Socket.IO baseline", baselineRows[k]!], ["ws ceiling", ceilingRows[k]!]] as const) {
      console.log(`| ${p.clients} | ${name} | ${ratio(p.p50, other.p50)} | ${ratio(p.p99, other.p99)} | ${ratio(p.cpu, other.cpu)} |`);
    }
  }
} finally {
  await parley.close();
}
