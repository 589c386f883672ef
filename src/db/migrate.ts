import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { DatabaseUnavailableError, type Database } from "./client.js";

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/**
 * The key of the session-level advisory lock that every Parley (and `npm run db:migrate`) holds
 * while it migrates a PostgreSQL database, so that instances starting at the same moment migrate
 * one after another: the first applies what is missing, the others then find nothing to do. Any
 * fixed number would do, as long as every Parley uses the same one and nothing else on the
 * database takes it; this one is "parley" in ASCII (0x7061726c6579). Advisory locks belong to one
 * database, so Parleys on other databases of the same server do not wait for each other.
 * In `pg_locks` it shows as locktype 'advisory', classid 28769, objid 1919706489.
 */
export const MIGRATION_LOCK_KEY = 0x7061726c6579;

/**
 * How long a start waits for another process's migrations before it gives up. Each statement of a
 * migration is bounded by DATABASE_QUERY_TIMEOUT_MS; this bounds a wait for a whole run, or for a
 * process that took the lock and hangs.
 */
export const MIGRATION_LOCK_WAIT_MS = 60_000;

/** How often a waiting start asks for the lock again. */
const LOCK_POLL_MS = 100;

export interface MigrateOptions {
  /** PostgreSQL only: how long to wait for the migration lock (MIGRATION_LOCK_WAIT_MS). */
  lockWaitMs?: number;
}

export async function migrate(database: Database, options: MigrateOptions = {}): Promise<void> {
  try {
    if (database.kind === "pglite") {
      // One process owns an embedded database: nothing to wait for.
      await migratePglite(database.db as never, { migrationsFolder });
    } else {
      await migrateLocked(database, options.lockWaitMs ?? MIGRATION_LOCK_WAIT_MS);
    }
  } catch (err) {
    if (err instanceof DatabaseUnavailableError) throw err;
    const reason = database.unavailableReason(err);
    if (reason === undefined) throw err;
    throw new DatabaseUnavailableError(
      `PostgreSQL at ${database.location} stopped answering while Parley was updating its tables (${reason}). ` +
        `Check that the server is running and not overloaded, then start Parley again.`,
    );
  }
}

/**
 * Takes the migration lock on one connection of the pool and runs drizzle's migrator on that same
 * connection (its transaction included: drizzle begins and commits on the client it is given when
 * that is not a pool), then lets go of the lock. The lock is the session's, so if the connection
 * breaks, PostgreSQL ends the session and the lock with it; a connection whose unlock failed is
 * closed rather than returned to the pool, for the same reason.
 */
async function migrateLocked(database: Database, waitMs: number): Promise<void> {
  const pool = (database.db as { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) throw new Error("a PostgreSQL database opened by openDatabase is drizzle over a pg.Pool");
  const client = await pool.connect();
  let locked = false;
  let broken = false;
  try {
    await takeLock(client, database.location, waitMs);
    locked = true;
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    if (locked) {
      try {
        await client.query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
      } catch {
        broken = true;
      }
    }
    client.release(broken ? new Error("the migration lock could not be released") : undefined);
  }
}

async function takeLock(client: pg.PoolClient, location: string, waitMs: number): Promise<void> {
  // Asked for again and again rather than waited on (pg_advisory_lock): each ask answers at once,
  // so neither statement_timeout nor the pool's query timeout cuts the wait short, and the wait
  // ends when this process says so, with a message.
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1::bigint) as locked", [MIGRATION_LOCK_KEY]);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) break;
    await delay(Math.min(LOCK_POLL_MS, Math.max(0, deadline - Date.now())));
  }
  const [classid, objid] = [Math.floor(MIGRATION_LOCK_KEY / 2 ** 32), MIGRATION_LOCK_KEY % 2 ** 32];
  throw new DatabaseUnavailableError(
    `Waited ${waitMs / 1000} s for another process to finish updating Parley's tables in PostgreSQL at ${location} ` +
      `(it holds the migration lock, advisory lock ${MIGRATION_LOCK_KEY}). Check for a Parley instance or ` +
      `"npm run db:migrate" stuck while starting on this database (select pid from pg_locks where locktype = 'advisory' ` +
      `and classid = ${classid} and objid = ${objid}; then pg_stat_activity for that pid), stop it, then start Parley again.`,
  );
}
