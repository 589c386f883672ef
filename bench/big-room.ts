// Scenario 2, the big room: 100 and 1,000 WebSocket clients in one room (20 sockets per person,
// as people keep several tabs), 30 messages posted 100 ms apart. Every client must receive every
// message exactly once (counted); delivery is timed from the start of the POST to each client's
// receipt. Parley runs in its own process; the clients run in this one. Three rounds per size.
// Usage: npm run bench:big-room [-- --clients 100,1000 --messages 30 --rounds 3]
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { LiveSocket, Visitor } from "../tests/support/client.js";
import { freshPostgresDatabase, postgresUrl } from "../tests/support/databases.js";
import { cpuMs, median, percentile, spread, startParley } from "./support.js";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "100,1000" }, messages: { type: "string", default: "30" }, rounds: { type: "string", default: "3" } },
});
const sizes = values.clients.split(",").map(Number);
const messageCount = Number(values.messages);
const rounds = Number(values.rounds);
const SOCKETS_PER_PERSON = 20;


async function scenario(url: string, pid: number, clients: number) {
  const people = Math.ceil(clients / SOCKETS_PER_PERSON);
  const poster = new Visitor(url);
  await poster.signUp(`poster${clients}`);
  const roomId = await poster.createRoom(`big room ${clients}`);
  const sockets: LiveSocket[] = [];
  for (let p = 0; p < people; p++) {
    const v = new Visitor(url);
    await v.signUp(`reader${clients}x${p}`);
    await v.joinRoom(roomId);
    for (let s = 0; s < SOCKETS_PER_PERSON && sockets.length < clients; s++) sockets.push(v.socket(roomId));
  }
  await Promise.all(sockets.map((s) => s.opened));
  await poster.openRoom(roomId);

  const results = [];
  for (let round = 0; round < rounds + 1; round++) {
    const sent = new Map<number, number>();
    const arrivals: number[] = [];
    const counts = new Map<string, number>();
    const listeners = sockets.map((socket, k) => {
      const onMessage = (data: Buffer) => {
        const match = /<p class="message-body">round (\d+) message (\d+)<\/p>/.exec(data.toString());
        if (!match || Number(match[1]) !== round) return;
        const i = Number(match[2]);
        arrivals.push(performance.now() - sent.get(i)!);
        const key = `${k}:${i}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      };
      socket.ws.on("message", onMessage);
      return () => socket.ws.off("message", onMessage);
    });
    const cpuBefore = await cpuMs(pid);
    for (let i = 0; i < messageCount; i++) {
      sent.set(i, performance.now());
      await poster.post(`/rooms/${roomId}/messages`, { body: `round ${round} message ${i}` }, { "hx-request": "true" });
      await new Promise((r) => setTimeout(r, 100));
    }
    const deadline = Date.now() + 10_000;
    while (arrivals.length < clients * messageCount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const cpu = (await cpuMs(pid)) - cpuBefore;
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
  for (const s of sockets) s.close();
  return results;
}

const postgres = postgresUrl ? await freshPostgresDatabase() : null;
const database = postgres ? "PostgreSQL 127.0.0.1" : "PGlite (embedded)";
const dataDir = await mkdtemp(`${os.tmpdir()}/parley-bench-`);
const parley = await startParley({
  ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  DATA_DIR: dataDir,
  RATE_LIMIT_AUTH_PER_15_MIN: "100000",
  RATE_LIMIT_MESSAGES_PER_MIN: "100000",
});
try {
  const table = [];
  for (const clients of sizes) {
    const runs = await scenario(parley.url, parley.pid, clients);
    console.log(JSON.stringify({ clients, runs }));
    const pick = (f: (r: (typeof runs)[number]) => number) => runs.map(f);
    table.push(
      `| ${clients} | ${runs.every((r) => r.complete) ? `yes, ${runs.length} × ${clients * messageCount}` : `NO: ${runs.map((r) => r.delivered + (r.twice ? `, ${r.twice} twice` : "")).join("; ")}`} | ` +
        `${median(pick((r) => r.p50)).toFixed(1)} (${spread(pick((r) => r.p50))}) | ${median(pick((r) => r.p99)).toFixed(1)} (${spread(pick((r) => r.p99))}) | ` +
        `${median(pick((r) => r.max)).toFixed(1)} | ${median(pick((r) => r.cpuPerMessage)).toFixed(1)} |`,
    );
  }
  console.log(`\nBig room: ${messageCount} messages 100 ms apart, ${rounds} rounds after a warm-up round, ${database}, ${os.cpus().length} cores, node ${process.version}`);
  console.log("| clients | every message to every client exactly once | p50 ms (spread) | p99 ms (spread) | max ms | server CPU ms per message |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const row of table) console.log(row);
} finally {
  await parley.stop();
  await postgres?.drop();
  await rm(dataDir, { recursive: true, force: true });
}
