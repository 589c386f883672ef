// Scenario 4, the room page: the whole page of the busy room (its 50 newest messages, its members and
// a sidebar of 20 rooms) for a member who is logged in, under autocannon, on a database of 1,000
// messages and on one of 1,000,000 with the same shape. Reports requests/s, p50/p99 and the
// server's CPU time per page, and large ÷ small for each: the target is ≤ 1 ms of CPU per page,
// flat with the size of the history. Both Parleys run at once, each in its own process, and the
// runs alternate between them, so that both see the same conditions.
// Usage: npm run bench:room-page [-- --small 1000 --large 1000000 --seconds 10 --runs 3 --connections 10]
// Databases: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley_bench) for the
// large history and the same name with "_small" for the small one, each reused when it holds the
// number of messages asked for and (re)seeded otherwise.
import os from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { BUSY_ROOM, ensureSeeded } from "./seeding.js";
import { benchDatabaseUrl, benchReader, cpuMs, displayUrl, median, spread, startParleyOnDatabase } from "./support.js";

const { values } = parseArgs({
  options: {
    small: { type: "string", default: "1000" },
    large: { type: "string", default: "1000000" },
    seconds: { type: "string", default: "10" },
    runs: { type: "string", default: "3" },
    connections: { type: "string", default: "10" },
  },
});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const connections = Number(values.connections);
const SIDEBAR_ROOMS = 20;
const PAGE = 50;
const smallUrl = new URL(benchDatabaseUrl);
smallUrl.pathname += "_small";

type Target = Awaited<ReturnType<typeof open>>;

/**
 * Parley on a database of `messages`, with a reader who belongs to the busy room and 19 more, half
 * of them (the busy room among them) with a few unread messages, as a returning member would.
 */
async function open(messages: number, url: string, cleanups: Array<() => Promise<void>>) {
  await ensureSeeded(url, messages);
  const pool = new pg.Pool({ connectionString: url });
  cleanups.push(() => pool.end());
  const parley = await startParleyOnDatabase(url);
  cleanups.push(() => parley.close());
  const reader = await benchReader(parley.url, pool);
  cleanups.push(() => reader.remove());
  // The busy room first: signing up joined it.
  const { rows: rooms } = await pool.query<{ id: number; thirdNewest: number | null }>(
    `select r.id, (select id from messages m where m.room_id = r.id order by id desc offset 2 limit 1) as "thirdNewest"
     from rooms r order by r.id <> $1, r.id limit $2`,
    [BUSY_ROOM, SIDEBAR_ROOMS],
  );
  for (const room of rooms.slice(1)) await reader.visitor.joinRoom(room.id);
  for (const room of rooms.filter((_, i) => i % 2 === 0)) {
    const marked = await reader.visitor.post(`/rooms/${room.id}/messages/${room.thirdNewest}/unread`, {}, { "hx-request": "true" });
    if (marked.status !== 204) throw new Error(`marking room ${room.id} unread: status ${marked.status}`);
  }

  const path = `/rooms/${BUSY_ROOM}`;
  const page = await reader.visitor.get(path);
  const shown = page.html.match(/<li id="message-/g)?.length;
  const sidebar = /<nav [^>]*aria-label="Rooms"/.test(page.html) ? page.html.match(/<li id="room-row-/g)?.length : 0;
  if (page.status !== 200 || shown !== PAGE || sidebar !== SIDEBAR_ROOMS) {
    throw new Error(`${url}: status ${page.status}, ${shown} messages, ${sidebar} rooms in the sidebar`);
  }
  return { messages, url, pid: parley.pid, target: parley.url + path, cookie: reader.visitor.cookie };
}

async function load(target: Target, durationS: number) {
  const before = await cpuMs(target.pid);
  const result = await autocannon({ url: target.target, connections, duration: durationS, headers: { cookie: target.cookie } });
  const cpu = (await cpuMs(target.pid)) - before;
  return {
    allOk: result.non2xx === 0 && result.errors === 0,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerPage: cpu / result.requests.total,
  };
}

const cleanups: Array<() => Promise<void>> = [];
try {
  const targets = [
    await open(Number(values.small), smallUrl.toString(), cleanups),
    await open(Number(values.large), benchDatabaseUrl, cleanups),
  ];
  for (const target of targets) await load(target, Math.min(3, seconds));
  const results = targets.map(() => [] as Array<Awaited<ReturnType<typeof load>>>);
  for (let k = 0; k < runs; k++) for (const [i, target] of targets.entries()) results[i]!.push(await load(target, seconds));
  console.log(JSON.stringify(results));

  const summaries = results.map((rs) => {
    const of = (f: (r: (typeof rs)[number]) => number) => rs.map(f);
    return {
      allOk: rs.every((r) => r.allOk),
      rps: of((r) => r.requestsPerSecond),
      p50: of((r) => r.p50),
      p99: of((r) => r.p99),
      cpu: of((r) => r.cpuPerPage),
    };
  });
  const size = (i: number) => targets[i]!.messages.toLocaleString("en");
  console.log(
    `\nRoom page: GET /rooms/${BUSY_ROOM} as a member (${PAGE} messages, ${SIDEBAR_ROOMS} rooms in the sidebar, ${SIDEBAR_ROOMS / 2} of them unread), ` +
      `${seconds} s of autocannon with ${connections} connections, ${runs} runs after a warm-up, PostgreSQL, ${os.cpus().length} cores, node ${process.version}`,
  );
  for (const [i, t] of targets.entries()) console.log(`- ${size(i)} messages: ${displayUrl(t.url)}, Parley pid ${t.pid}`);
  console.log(
    "| messages in the database | all 2xx | requests/s (spread) | p50 ms (spread) | p99 ms (spread) | server CPU ms per page (spread) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const [i, s] of summaries.entries()) {
    console.log(
      `| ${size(i)} | ${s.allOk ? "yes" : "NO"} | ${median(s.rps).toFixed(0)} (${spread(s.rps, 0)}) | ${median(s.p50).toFixed(1)} (${spread(s.p50)}) | ` +
        `${median(s.p99).toFixed(1)} (${spread(s.p99)}) | ${median(s.cpu).toFixed(3)} (${spread(s.cpu, 3)}) |`,
    );
  }
  const ratio = (f: (s: (typeof summaries)[number]) => number[]) => (median(f(summaries[1]!)) / median(f(summaries[0]!))).toFixed(2);
  console.log(
    `| ${size(1)} ÷ ${size(0)} |  | ${ratio((s) => s.rps)} | ${ratio((s) => s.p50)} | ${ratio((s) => s.p99)} | ${ratio((s) => s.cpu)} |`,
  );
  if (!results.flat().every((r) => r.allOk)) process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
