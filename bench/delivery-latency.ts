// Time from Alice's POST leaving the client to Bob's socket receiving the pushed fragment,
// against a Parley running in its own process, on PGlite and (with DATABASE_URL) on Postgres.
// Usage: npm run bench:latency [-- --messages 100]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Visitor } from "../tests/support/client.js";
import { freshPostgresDatabase, postgresUrl } from "../tests/support/databases.js";

const { values } = parseArgs({ options: { messages: { type: "string", default: "100" } } });
const count = Number(values.messages);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function startParley(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("Parley did not start");
}

// Bob's socket also hears presence; only message pushes are timed.
const isMessage = (push: string) => push.includes('hx-swap-oob="beforeend:#messages"');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(label: string, env: Record<string, string>) {
  const { url, child } = await startParley({ RATE_LIMIT_MESSAGES_PER_MIN: String(count * 2), ...env });
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
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-"));
const rows = [await measure("PGlite (embedded)", { DATA_DIR: dataDir })];
if (postgresUrl) {
  const db = await freshPostgresDatabase();
  try {
    rows.push(await measure("PostgreSQL 127.0.0.1", { DATABASE_URL: db.url, DATA_DIR: dataDir }));
  } finally {
    await db.drop();
  }
}
await rm(dataDir, { recursive: true, force: true });

console.log(`\nPOST → other member's socket, ${count} messages, ms (${os.cpus().length} cores, node ${process.version})`);
console.log("| database | messages | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.database} | ${r.messages} | ${r.p50} | ${r.p99} | ${r.max} |`);
