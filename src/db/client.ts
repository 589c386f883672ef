import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { createPool, defaultTimeouts, unavailableReason, type DatabaseTimeouts } from "./pool.js";
import * as schema from "./schema.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The part of a `pg.Pool` that connect-pg-simple uses. */
/** The rows a raw statement (`db.execute`) returned: node-postgres and PGlite both answer `{ rows }`. */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export interface QueryPool {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where the data lives, safe to print (no password). */
  location: string;
  sessionPool: QueryPool;
  /** Why the database did not answer, when that is why `err` happened (never for PGlite). */
  unavailableReason(err: unknown): string | undefined;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

export interface OpenOptions {
  url?: string;
  dataDir: string;
  timeouts?: DatabaseTimeouts;
  /** A PGlite data directory (`dumpDataDir()`) to start an in-memory database from, instead of an empty one. */
  pgliteDump?: Blob;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.timeouts ?? defaultTimeouts) : openPglite(opts.dataDir, opts.pgliteDump);
}

async function openPostgres(url: string, timeouts: DatabaseTimeouts): Promise<Database> {
  const parsed = new URL(url);
  const where = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  const pool = createPool(url, timeouts);
  try {
    await pool.query("select 1");
  } catch (err) {
    await pool.end().catch(() => {});
    const reason = unavailableReason(err, timeouts) ?? (err as { code?: string }).code ?? (err as Error).message;
    throw new DatabaseUnavailableError(
      `Cannot reach PostgreSQL at ${where} (${reason}). Check that the server is running, ` +
        `that DATABASE_URL names the right host, port, database and user, and that this machine may connect.`,
    );
  }
  return {
    db: drizzlePg(pool, { schema }) as unknown as Db,
    kind: "postgres",
    location: `postgres://${where}`,
    sessionPool: pool,
    unavailableReason: (err) => unavailableReason(err, timeouts),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string, dump: Blob | undefined): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  const dir = inMemory ? dataDir : path.resolve(dataDir, "pglite");
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, { loadDataDir: dump });
  return pgliteDatabase(client, inMemory ? dataDir : dir, () => client.close());
}

/** An open embedded database as Parley uses it; `close` is what closing it does (the tests keep theirs for the next server). */
export function pgliteDatabase(client: PGlite, location: string, close: () => Promise<void>): Database {
  return {
    db: drizzlePglite(client, { schema }),
    kind: "pglite",
    location,
    sessionPool: {
      // connect-pg-simple sends single statements with parameters; plain multi-statement SQL needs exec.
      async query(text, params) {
        if (params && params.length > 0) return client.query(text, params);
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    },
    unavailableReason: () => undefined,
    close,
  };
}

/**
 * `select 1`, given up after `timeoutMs` whatever the pool's own timeouts: a health check must
 * answer in time even when every pooled connection is stuck. A ping given up on still ends, within
 * the pool's timeouts.
 */
export async function ping(db: Db, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.execute(sql`select 1`), expired]);
  } finally {
    clearTimeout(timer);
  }
}
