// Scenario 1, post and deliver: rooms of 20 members (--members), each member with a WebSocket open on the room,
// and one poster per room (one of the 20) sending at a fixed rate (open loop: posts go out on
// schedule whether or not earlier ones are done). Reports the posts/s achieved, p50/p99 from the
// start of a POST to the last of the room's 20 members receiving it, and the server's CPU time per
// posted message. Three runs after a warm-up. Then the same load against the Express + Socket.IO
// baseline and the plain `ws` ceiling (bench/baseline), in the same run, and Parley ÷ each for each figure.
// Each server runs in its own process; posters and members run in this one (targets.ts).
// Usage: npm run bench:post-deliver [-- --rooms 5 --members 20 --rate 500 --seconds 5 --runs 3 --servers parley,socketio,ws]
import os from "node:os";
import { parseArgs } from "node:util";
import { cpuMs, median, percentile, spread } from "./support.js";
import { database, parseServers, ratio, type Room, type ServerName, SERVERS, startTarget, type Target } from "./targets.js";

const { values } = parseArgs({
  options: {
    rooms: { type: "string", default: "5" },
    members: { type: "string", default: "20" },
    rate: { type: "string", default: "500" },
    seconds: { type: "string", default: "5" },
    runs: { type: "string", default: "3" },
    servers: { type: "string", default: "parley,socketio,ws" },
  },
});
const roomCount = Number(values.rooms);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const servers = parseServers(values.servers);
const MEMBERS = Number(values.members);

async function run(rooms: Room[], pid: number, tag: string, durationS: number) {
  const total = Math.round(rate * durationS);
  const started = new Map<string, number>();
  const received = new Map<string, number>();
  const latencies: number[] = [];
  let twice = 0;
  const listeners = rooms.flatMap((room) =>
    room.clients.map((subscribe) => {
      const seen = new Set<string>();
      return subscribe((body) => {
        const start = started.get(body);
        if (start === undefined) return;
        if (seen.has(body)) return void twice++;
        seen.add(body);
        const count = (received.get(body) ?? 0) + 1;
        received.set(body, count);
        if (count === MEMBERS) latencies.push(performance.now() - start);
      });
    }),
  );
  const cpuBefore = await cpuMs(pid);
  const begin = performance.now();
  const posts: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = `${tag} ${i}`;
    started.set(body, performance.now());
    posts.push(rooms[i % rooms.length]!.post(body));
  }
  await Promise.all(posts);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - begin) / 1000;
  const cpu = (await cpuMs(pid)) - cpuBefore;
  for (const stop of listeners) stop();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    // More than 20 for a post means it reached another room's members too.
    delivered: latencies.length === total && twice === 0 && [...received.values()].every((n) => n === MEMBERS),
    postsPerSecond: latencies.length / elapsed,
    p50: sorted.length ? percentile(sorted, 50) : NaN,
    p99: sorted.length ? percentile(sorted, 99) : NaN,
    cpuPerMessage: cpu / total,
  };
}

async function measure(target: Target) {
  const rooms: Room[] = [];
  for (let r = 0; r < roomCount; r++) rooms.push(await target.openRoom({ clients: MEMBERS, socketsPerPerson: 1, posterListens: true }));
  await run(rooms, target.pid, "warmup", Math.min(2, seconds));
  const results: Array<Awaited<ReturnType<typeof run>>> = [];
  for (let k = 0; k < runs; k++) results.push(await run(rooms, target.pid, `run${k}`, seconds));
  for (const room of rooms) room.close();
  const pick = (f: (r: (typeof results)[number]) => number) => results.map(f);
  return {
    results,
    delivered: results.every((r) => r.delivered),
    postsPerSecond: pick((r) => r.postsPerSecond),
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    cpuPerMessage: pick((r) => r.cpuPerMessage),
  };
}

const rows: Array<{ server: ServerName } & Awaited<ReturnType<typeof measure>>> = [];
for (const server of servers) {
  const target = await startTarget(server);
  try {
    rows.push({ server, ...(await measure(target)) });
  } finally {
    await target.stop();
  }
}
console.log(JSON.stringify(rows.map(({ server, results }) => ({ server, results }))));
console.log(
  `\nPost and deliver: ${roomCount} rooms of ${MEMBERS} members, ${rate} posts/s offered for ${seconds} s, ${runs} runs after a warm-up ` +
    `(medians, spread in brackets), ${database}, ${os.cpus().length} cores, node ${process.version}`,
);
console.log(
  `| server | every post to all ${MEMBERS} members exactly once | posts/s delivered (spread) | p50 ms (spread) | p99 ms (spread) | server CPU ms per message (spread) |`,
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(
    `| ${SERVERS[r.server].label} | ${r.delivered ? "yes" : "NO"} | ${median(r.postsPerSecond).toFixed(0)} (${spread(r.postsPerSecond, 0)}) | ` +
      `${median(r.p50).toFixed(1)} (${spread(r.p50)}) | ${median(r.p99).toFixed(1)} (${spread(r.p99)}) | ` +
      `${median(r.cpuPerMessage).toFixed(2)} (${spread(r.cpuPerMessage, 2)}) |`,
  );
}
const parley = rows.find((r) => r.server === "parley");
const others = rows.filter((r) => r.server !== "parley");
if (parley && others.length) {
  console.log(
    "\n| compared with | posts/s Parley ÷ it | p50 Parley ÷ it | p99 Parley ÷ it | CPU per message Parley ÷ it |\n| --- | --- | --- | --- | --- |",
  );
  for (const other of others) {
    const of = (f: (r: (typeof rows)[number]) => number[]) => ratio(median(f(parley)), median(f(other)));
    console.log(
      `| ${SERVERS[other.server].short} | ${of((r) => r.postsPerSecond)} | ${of((r) => r.p50)} | ${of((r) => r.p99)} | ${of((r) => r.cpuPerMessage)} |`,
    );
  }
}
if (!rows.every((r) => r.delivered)) process.exitCode = 1;
