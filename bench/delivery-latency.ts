// Time from Alice's POST leaving the client to Bob's socket receiving the pushed fragment,
// against a Parley running in its own process, on PGlite and (with DATABASE_URL) on Postgres.
// Usage: npm run bench:latency [-- --messages 100]
import os from "node:os";
import { parseArgs } from "node:util";
import { Visitor } from "../tests/support/client.js";
import { onEachDatabase, percentile, startParley } from "./support.js";

const { values } = parseArgs({ options: { messages: { type: "string", default: "100" } } });
const count = Number(values.messages);

// Bob's socket also hears presence; only message pushes are timed.
const isMessage = (push: string) => push.includes('hx-swap-oob="beforeend:#messages"');

async function measure(label: string, env: Record<string, string>) {
  const { url, stop } = await startParley({ RATE_LIMIT_MESSAGES_PER_MIN: String((count + 10) * 2), ...env });
  try {
    const alice = new Visitor(url);
    const bob = new Visitor(url);
    await alice.signUp("alice");
    await bob.signUp("bob");
    const room = Number((await bob.get("/")).location!.split("/").pop());
    await alice.openRoom(room);
    const socket = bob.socket(room);
    await socket.opened;

    const samples: number[] = [];
    for (let i = 0; i < count + 10; i++) {
      const started = performance.now();
      const pushed = socket.waitFor(i + 1, 5000, isMessage);
      await alice.post(`/rooms/${room}/messages`, { body: `message ${i}` }, { "hx-request": "true" });
      await pushed;
      // The first 10 warm up the JIT, the connection pool and the query plans.
      if (i >= 10) samples.push(performance.now() - started);
    }
    socket.close();
    samples.sort((a, b) => a - b);
    const row = {
      database: label,
      messages: samples.length,
      p50: percentile(samples, 50).toFixed(2),
      p99: percentile(samples, 99).toFixed(2),
      max: samples.at(-1)!.toFixed(2),
    };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await stop();
  }
}

const rows = await onEachDatabase(measure);
console.log(`\nPOST → other member's socket, ${count} messages, ms (${os.cpus().length} cores, node ${process.version})`);
console.log("| database | messages | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.database} | ${r.messages} | ${r.p50} | ${r.p99} | ${r.max} |`);
