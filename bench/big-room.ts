// Scenario 2, the big room: 100 and 1,000 WebSocket clients in one room (20 sockets per person,
// as people keep several tabs), 30 messages posted 100 ms apart. Every client must receive every
// message exactly once (counted); delivery is timed from the start of the POST to each client's
// receipt. Parley runs in its own process; the clients run in this one. Three rounds per size.
// Then the same against the Express + Socket.IO baseline and the plain `ws` ceiling (bench/baseline),
// in the same run, and Parley ÷ each for each figure.
// The servers and their clients are in targets.ts.
// Usage: npm run bench:big-room [-- --clients 100,1000 --messages 30 --rounds 3 --servers parley,socketio,ws]
import os from "node:os";
import { parseArgs } from "node:util";
import { cpuMs, median, percentile, spread } from "./support.js";
import { database, parseServers, ratio, type Room, SERVERS, startTarget } from "./targets.js";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "100,1000" },
    messages: { type: "string", default: "30" },
    rounds: { type: "string", default: "3" },
    servers: { type: "string", default: "parley,socketio,ws" },
  },
});
const sizes = values.clients.split(",").map(Number);
const messageCount = Number(values.messages);
const rounds = Number(values.rounds);
const servers = parseServers(values.servers);
const SOCKETS_PER_PERSON = 20;

/** A warm-up round, then `rounds` rounds of `messageCount` posts 100 ms apart, counted per client. */
async function measure(room: Room, pid: number) {
  const clients = room.clients.length;
  const results = [];
  for (let round = 0; round < rounds + 1; round++) {
    const sent = new Map<number, number>();
    const arrivals: number[] = [];
    const counts = new Map<string, number>();
    const listeners = room.clients.map((subscribe, k) =>
      subscribe((body) => {
        const match = /^round (\d+) message (\d+)$/.exec(body);
        if (!match || Number(match[1]) !== round) return;
        const i = Number(match[2]);
        arrivals.push(performance.now() - sent.get(i)!);
        const key = `${k}:${i}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }),
    );
    const cpuBefore = await cpuMs(pid);
    for (let i = 0; i < messageCount; i++) {
      sent.set(i, performance.now());
      await room.post(`round ${round} message ${i}`);
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
  room.close();
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

const rows = [];
for (const server of servers) {
  const target = await startTarget(server);
  try {
    for (const clients of sizes) {
      const room = await target.openRoom({ clients, socketsPerPerson: SOCKETS_PER_PERSON, posterListens: false });
      rows.push({ server, clients, ...summary(await measure(room, target.pid)) });
    }
  } finally {
    await target.stop();
  }
}
console.log(JSON.stringify(rows));
console.log(
  `\nBig room: ${messageCount} messages 100 ms apart, ${rounds} rounds after a warm-up round, ${database}, ${os.cpus().length} cores, node ${process.version}`,
);
console.log(
  "| server | clients | every message to every client exactly once | p50 ms (spread) | p99 ms (spread) | max ms | server CPU ms per message |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(
    `| ${SERVERS[r.server].label} | ${r.clients} | ${r.complete ? `yes, ${rounds} × ${r.clients * messageCount}` : `NO: ${r.detail}`} | ${r.p50.toFixed(1)} (${r.p50Spread}) | ` +
      `${r.p99.toFixed(1)} (${r.p99Spread}) | ${r.max.toFixed(1)} | ${r.cpu.toFixed(1)} |`,
  );
}
const parleyRows = rows.filter((r) => r.server === "parley");
const others = rows.filter((r) => r.server !== "parley");
if (parleyRows.length && others.length) {
  console.log(
    "\n| clients | compared with | p50 Parley ÷ it | p99 Parley ÷ it | CPU per message Parley ÷ it |\n| --- | --- | --- | --- | --- |",
  );
  for (const p of parleyRows) {
    for (const other of others.filter((r) => r.clients === p.clients)) {
      console.log(
        `| ${p.clients} | ${SERVERS[other.server].short} | ${ratio(p.p50, other.p50)} | ${ratio(p.p99, other.p99)} | ${ratio(p.cpu, other.cpu)} |`,
      );
    }
  }
}
if (!rows.every((r) => r.complete)) process.exitCode = 1;
