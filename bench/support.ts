// Shared by the benchmarks: a Parley in its own process, on a free port, until stopped.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { Visitor } from "../tests/support/client.js";
import { freshPostgresDatabase, postgresUrl } from "../tests/support/databases.js";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * BENCH_PGLITE_TEMPLATE: a migrated PGlite data directory as a tarball (`dumpDataDir`). The smoke
 * runs set it (tests/support/pglite.ts), and the embedded databases the benchmarks start on then
 * begin as a copy of it instead of running initdb, which takes seconds of CPU per server. Unset,
 * every server creates its database as a first start does.
 */
const pgliteTemplate = process.env.BENCH_PGLITE_TEMPLATE || undefined;

/** The template as `openDatabase` loads it into memory (see `pgliteTemplate`), if there is one. */
export async function pgliteDump(): Promise<Blob | undefined> {
  return pgliteTemplate === undefined ? undefined : new Blob([await readFile(pgliteTemplate)]);
}

/** Unpacks the template (see `pgliteTemplate`) where Parley keeps an embedded database in DATA_DIR, unless one is there. */
async function fromTemplate(env: Record<string, string>): Promise<void> {
  if (!pgliteTemplate || env.DATABASE_URL || !env.DATA_DIR || env.DATA_DIR.startsWith("memory://")) return;
  const dir = path.resolve(env.DATA_DIR, "pglite");
  if (existsSync(dir)) return;
  await mkdir(dir, { recursive: true });
  await promisify(execFile)("tar", ["-xf", pgliteTemplate, "-C", dir]);
}

export async function startParley(env: Record<string, string>): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  await fromTemplate(env);
  const port = await freePort();
  // The benchmark's own DATABASE_URL names the server to make test databases on, not Parley's database.
  const { DATABASE_URL: _, ...inherited } = process.env;
  // BENCH_CPU_PROF=dir: the server writes a V8 CPU profile there when it stops (for --cpu-prof work).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "src/main.ts"], {
    env: { ...inherited, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
  };
  // A minute: starting takes a few seconds, but many more on a machine busy with other work.
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, pid: child.pid!, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    child.exitCode === null ? "Parley did not start within a minute" : `Parley exited with ${child.exitCode} before it listened`,
  );
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Runs `measure` on embedded PGlite and, when DATABASE_URL is set, on a fresh Postgres database. */
export async function onEachDatabase<T>(measure: (label: string, env: Record<string, string>) => Promise<T>): Promise<T[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-"));
  try {
    const rows = [await measure("PGlite (embedded)", { DATA_DIR: dataDir })];
    if (postgresUrl) {
      const db = await freshPostgresDatabase();
      try {
        rows.push(await measure("PostgreSQL 127.0.0.1", { DATABASE_URL: db.url, DATA_DIR: dataDir }));
      } finally {
        await db.drop();
      }
    }
    return rows;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The PostgreSQL database bench:seed fills and bench:history reads. */
export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/parley_bench";

/** A database URL fit to print: without its credentials. */
export const displayUrl = (url: string) => url.replace(/\/\/[^@]*@/, "//");

/** Creates a bench database if it is missing and brings its schema up to date; returns its URL. */
export async function ensureBenchDatabase(url = benchDatabaseUrl): Promise<string> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  const database = await openDatabase({ url, dataDir: "memory://" });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  return url;
}

/** Parley on a bench database, its uploads in a temporary folder; `close` stops it and removes them. */
export async function startParleyOnDatabase(url: string) {
  const filesDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-files-"));
  const close = () => rm(filesDir, { recursive: true, force: true });
  try {
    // A seeded database already has its administrator, whom no bench signs in as: readers sign up freely.
    const parley = await startParley({
      DATABASE_URL: url,
      DATA_DIR: "memory://",
      FILES_DIR: filesDir,
      RATE_LIMIT_AUTH_PER_15_MIN: "100000",
      REGISTRATION: "open",
    });
    return {
      ...parley,
      async close() {
        await parley.stop();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A fresh person on a bench database, a member of its default room from signing up. `remove`
 * deletes them again, so that members do not pile up in the busy room run after run.
 */
export async function benchReader(parleyUrl: string, pool: pg.Pool): Promise<{ visitor: Visitor; remove: () => Promise<void> }> {
  const visitor = new Visitor(parleyUrl);
  const username = `reader${Date.now()}`;
  const signedUp = await visitor.signUp(username);
  if (signedUp.status !== 303) throw new Error(`sign-up: status ${signedUp.status}`);
  const { rows } = await pool.query<{ id: number }>("select id from users where username = $1", [username]);
  const id = Number(rows[0]!.id);
  return {
    visitor,
    async remove() {
      await pool.query("delete from users where id = $1", [id]);
    },
  };
}

/** A process's CPU time so far (user + system), in ms, from /proc. */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** A process's resident memory (VmRSS), in KB, from /proc. */
export async function rssKb(pid: number): Promise<number> {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, "utf8"))![1]);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const spread = (xs: number[], digits = 1) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/**
 * Parley for the delivery benchmarks: on a fresh PostgreSQL database when DATABASE_URL is set,
 * else on PGlite, with the rate limits out of the way (and `env` on top). `close` stops it and drops what it made.
 */
export async function startParleyForLoad(env: Record<string, string> = {}) {
  const postgres = postgresUrl ? await freshPostgresDatabase() : null;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-"));
  const parley = await startParley({
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    DATA_DIR: dataDir,
    RATE_LIMIT_AUTH_PER_15_MIN: "100000",
    RATE_LIMIT_MESSAGES_PER_MIN: "10000000",
    ...env,
  });
  return {
    ...parley,
    database: postgres ? "PostgreSQL 127.0.0.1" : "PGlite (embedded)",
    onPostgres: postgres !== null,
    async close() {
      await parley.stop();
      await postgres?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
