// History at depth, on the database bench:seed filled (run that first): the time to serve the
// newest page, a page 10,000 messages back (half-way back in a room of fewer than 20,000) and the
// oldest page of the busy room (100,000 messages among 1,000,000), each request timed from the
// client over loopback, then requests/s for each under concurrent load (autocannon, 10 connections).
// Usage: npm run bench:history [-- --requests 500 --seconds 10]
import os from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { BUSY_ROOM } from "./seeding.js";
import { benchDatabaseUrl, benchReader, displayUrl, ensureBenchDatabase, percentile, startParleyOnDatabase } from "./support.js";

const { values } = parseArgs({ options: { requests: { type: "string", default: "500" }, seconds: { type: "string", default: "10" } } });
const requests = Number(values.requests);
const seconds = Number(values.seconds);

const url = await ensureBenchDatabase();
const pool = new pg.Pool({ connectionString: url });
const parley = await startParleyOnDatabase(url);
let removeReader = async () => {};
try {
  const { rows: counted } = await pool.query<{ n: number }>("select count(*)::int as n from messages where room_id = $1", [BUSY_ROOM]);
  const inRoom = counted[0]!.n;
  // Three pages of 50 that do not overlap, the middle one at most 10,000 back.
  if (inRoom < 200) throw new Error(`the busy room has ${inRoom} messages: run npm run bench:seed first`);
  const depth = Math.min(10_000, Math.floor(inRoom / 2));

  const { visitor: reader, remove } = await benchReader(parley.url, pool);
  removeReader = remove;

  // The page each depth asks for: "before" the message just newer than the page.
  const idAt = async (order: "asc" | "desc", offset: number) =>
    (
      await pool.query<{ id: number }>(`select id from messages where room_id = $1 order by id ${order} offset $2 limit 1`, [
        BUSY_ROOM,
        offset,
      ])
    ).rows[0]!.id;
  const depths = [
    { label: "newest page", before: (await idAt("desc", 0)) + 1 },
    { label: `${depth.toLocaleString("en")} messages back`, before: await idAt("desc", depth) },
    { label: `oldest page (${inRoom.toLocaleString("en")} back)`, before: await idAt("asc", 50) },
  ];
  const headers = { cookie: reader.cookie, "hx-request": "true" };
  const pathFor = (before: number) => `/rooms/${BUSY_ROOM}/messages?before=${before}`;
  for (const d of depths) {
    const page = await reader.get(pathFor(d.before), { "hx-request": "true" });
    const shown = page.html.match(/<li id="message-/g)?.length;
    if (page.status !== 200 || shown !== 50) throw new Error(`${d.label}: status ${page.status}, ${shown} messages`);
  }

  const time = async (path: string) => {
    const started = performance.now();
    const res = await fetch(parley.url + path, { headers });
    await res.arrayBuffer();
    return performance.now() - started;
  };
  for (let i = 0; i < 50; i++) for (const d of depths) await time(pathFor(d.before));
  const samples = depths.map(() => [] as number[]);
  // Interleaved, so that every depth sees the same conditions.
  for (let i = 0; i < requests; i++) for (const [k, d] of depths.entries()) samples[k]!.push(await time(pathFor(d.before)));

  const loads = [];
  for (const d of depths) {
    const result = await autocannon({ url: parley.url + pathFor(d.before), connections: 10, duration: seconds, headers });
    loads.push(result.requests.average);
  }

  const { rows: total } = await pool.query<{ n: number }>("select count(*)::int as n from messages");
  const newestP50 = percentile(
    samples[0]!.sort((a, b) => a - b),
    50,
  );
  console.log(
    `\nHistory pages of the busy room: ${inRoom.toLocaleString("en")} of ${total[0]!.n.toLocaleString("en")} messages, PostgreSQL (${displayUrl(benchDatabaseUrl)}), ${os.cpus().length} cores, node ${process.version}`,
  );
  console.log(`${requests} timed requests per depth (after 50 warm-up), then ${seconds} s of autocannon with 10 connections per depth`);
  console.log("| page | p50 ms | p99 ms | p50 ÷ newest | requests/s under load |\n| --- | --- | --- | --- | --- |");
  for (const [k, d] of depths.entries()) {
    const sorted = samples[k]!.sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    console.log(
      `| ${d.label} | ${p50.toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${(p50 / newestP50).toFixed(2)} | ${loads[k]!.toFixed(0)} |`,
    );
  }
} finally {
  await removeReader();
  await parley.close();
  await pool.end();
}
