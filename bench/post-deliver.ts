// Scenario 1, post and deliver: rooms of 20 members, each member with a WebSocket open on the room,
// and one poster per room sending at a fixed rate (open loop: posts go out on schedule whether or
// not earlier ones are done). Reports the posts/s achieved, p50/p99 from the start of a POST to the
// last of the room's 20 members receiving it, and the server's CPU time per posted message.
// Parley runs in its own process; posters and members run in this one. Three runs after a warm-up.
// Usage: npm run bench:post-deliver [-- --rooms 5 --rate 500 --seconds 5 --runs 3]
import os from "node:os";
import { parseArgs } from "node:util";
import { LiveSocket, Visitor } from "../tests/support/client.js";
import { cpuMs, median, percentile, spread, startParleyForLoad } from "./support.js";

const { values } = parseArgs({
  options: {
    rooms: { type: "string", default: "5" },
    rate: { type: "string", default: "500" },
    seconds: { type: "string", default: "5" },
    runs: { type: "string", default: "3" },
  },
});
const roomCount = Number(values.rooms);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const MEMBERS = 20;

interface Room {
  id: number;
  poster: Visitor;
  members: LiveSocket[];
}

async function setUp(url: string): Promise<Room[]> {
  const rooms: Room[] = [];
  for (let r = 0; r < roomCount; r++) {
    const poster = new Visitor(url);
    await poster.signUp(`poster${r}`);
    const id = await poster.createRoom(`room ${r}`);
    const members: LiveSocket[] = [];
    for (let m = 0; m < MEMBERS - 1; m++) {
      const v = new Visitor(url);
      await v.signUp(`member${r}x${m}`);
      await v.joinRoom(id);
      members.push(v.socket(id));
    }
    members.push(poster.socket(id));
    await Promise.all(members.map((s) => s.opened));
    await poster.openRoom(id);
    rooms.push({ id, poster, members });
  }
  return rooms;
}

async function run(rooms: Room[], pid: number, tag: string, durationS: number) {
  const total = Math.round(rate * durationS);
  const started = new Map<string, number>();
  const received = new Map<string, number>();
  const latencies: number[] = [];
  const listeners = rooms.flatMap((room) =>
    room.members.map((socket) => {
      const onMessage = (data: Buffer) => {
        const key = /<p class="message-body">(\S+ \d+)<\/p>/.exec(data.toString())?.[1];
        if (!key?.startsWith(`${tag} `) || !started.has(key)) return;
        const count = (received.get(key) ?? 0) + 1;
        received.set(key, count);
        if (count === MEMBERS) latencies.push(performance.now() - started.get(key)!);
      };
      socket.ws.on("message", onMessage);
      return () => socket.ws.off("message", onMessage);
    }),
  );
  const cpuBefore = await cpuMs(pid);
  const begin = performance.now();
  const posts: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const room = rooms[i % rooms.length]!;
    const key = `${tag} ${i}`;
    started.set(key, performance.now());
    posts.push(room.poster.post(`/rooms/${room.id}/messages`, { body: key }, { "hx-request": "true" }));
  }
  await Promise.all(posts);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - begin) / 1000;
  const cpu = (await cpuMs(pid)) - cpuBefore;
  for (const stop of listeners) stop();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    delivered: latencies.length === total && [...received.values()].every((n) => n === MEMBERS),
    postsPerSecond: latencies.length / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuPerMessage: cpu / total,
  };
}

const parley = await startParleyForLoad();
const database = parley.database;
try {
  const rooms = await setUp(parley.url);
  await run(rooms, parley.pid, "warmup", Math.min(2, seconds));
  const results: Array<Awaited<ReturnType<typeof run>>> = [];
  for (let k = 0; k < runs; k++) results.push(await run(rooms, parley.pid, `run${k}`, seconds));
  for (const room of rooms) for (const s of room.members) s.close();
  console.log(JSON.stringify(results));
  const pick = (f: (r: (typeof results)[number]) => number) => results.map(f);
  console.log(`\nPost and deliver: ${roomCount} rooms of ${MEMBERS} members, ${rate} posts/s offered for ${seconds} s, ${runs} runs after a warm-up, ${database}, ${os.cpus().length} cores, node ${process.version}`);
  console.log("| every post to all 20 members | posts/s delivered (spread) | p50 ms (spread) | p99 ms (spread) | server CPU ms per message (spread) |");
  console.log("| --- | --- | --- | --- | --- |");
  console.log(
    `| ${results.every((r) => r.delivered) ? "yes" : "NO"} | ${median(pick((r) => r.postsPerSecond)).toFixed(0)} (${spread(pick((r) => r.postsPerSecond), 0)}) | ` +
      `${median(pick((r) => r.p50)).toFixed(1)} (${spread(pick((r) => r.p50))}) | ${median(pick((r) => r.p99)).toFixed(1)} (${spread(pick((r) => r.p99))}) | ` +
      `${median(pick((r) => r.cpuPerMessage)).toFixed(2)} (${spread(pick((r) => r.cpuPerMessage), 2)}) |`,
  );
  if (!results.every((r) => r.delivered)) process.exitCode = 1;
} finally {
  await parley.close();
}
