import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { rateLimits } from "../db/schema.js";

/*
 * Why not a package. express-rate-limit's own PostgreSQL store, @acpr/rate-limit-postgresql (1.4.1,
 * October 2025), opens a pool of its own from a node-postgres config and, when constructed, runs its
 * own migrations (postgres-migrations: a `rate_limit` schema, PL/pgSQL functions, a sessions table)
 * without waiting for them; it pins pg 8.11.3 beside ours. It cannot run on PGlite, which has no
 * connection config to give, and its tables would sit outside drizzle/. rate-limiter-flexible's
 * RateLimiterPostgres is a limiter with its own API rather than an express-rate-limit Store, takes a
 * pg pool (or knex, sequelize, typeorm, prisma: not PGlite) and creates its table at run time. This
 * store is one statement per request on a table of our migrations, through the Db every query uses,
 * so it works the same on PGlite and PostgreSQL.
 */

/** Thrown by the store for any failure of its database, so that `limits.ts` can tell it from other errors. */
export class RateLimitStoreError extends Error {
  constructor(cause: unknown) {
    super("A query of the rate-limit store failed", { cause });
  }
}

const windowMs = sql.placeholder("windowMs");
const keyParam = sql.placeholder("key");
// Evaluated against the row as it was: a window that has ended starts again with this hit.
const ended = sql`${rateLimits.resetAt} <= now()`;

/**
 * One hit, counted in one statement: a new key starts a window at 1, a key whose window has
 * ended starts a new one at 1, any other adds 1. The row lock of the upsert orders hits sent at
 * once, from any number of processes, so each gets its own count.
 */
const hit = prepared((db) =>
  db
    .insert(rateLimits)
    .values({ key: keyParam, hits: 1, resetAt: sql`now() + ${windowMs}::int * interval '1 millisecond'` })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${ended} then 1 else ${rateLimits.hits} + 1 end`,
        resetAt: sql`case when ${ended} then excluded.reset_at else ${rateLimits.resetAt} end`,
      },
    })
    .returning({ hits: rateLimits.hits, resetAt: rateLimits.resetAt })
    .prepare("rate_limit_hit"),
);

const current = prepared((db) =>
  db
    .select({ hits: rateLimits.hits, resetAt: rateLimits.resetAt })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, keyParam), gt(rateLimits.resetAt, sql`now()`)))
    .prepare("rate_limit_current"),
);

/**
 * An express-rate-limit `Store` in the `rate_limits` table, so that every Parley on one database
 * shares the counts: N instances behind a load balancer allow the limit once, not N times.
 * A fixed window per key, as express-rate-limit's MemoryStore has. `prefix` names the limiter
 * (each limiter has a store of its own), so that limiters never count each other's hits.
 */
export class DatabaseRateLimitStore implements Store {
  /** Counts are kept in the database, not in this process: express-rate-limit's checks need to know. */
  readonly localKeys = false;
  #windowMs = 60_000;
  #nextSweep = 0;

  constructor(
    private readonly db: Db,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [row] = await this.#run(() => current(this.db).execute({ key: this.prefix + key }));
    return row && { totalHits: row.hits, resetTime: row.resetAt };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const [row] = await this.#run(() => hit(this.db).execute({ key: this.prefix + key, windowMs: this.#windowMs }));
    this.#sweepNowAndThen();
    return { totalHits: row!.hits, resetTime: row!.resetAt };
  }

  /** Takes back a hit (a log-in that succeeded): only within the window it was counted in. */
  async decrement(key: string): Promise<void> {
    await this.#run(() =>
      this.db
        .update(rateLimits)
        .set({ hits: sql`${rateLimits.hits} - 1` })
        .where(and(eq(rateLimits.key, this.prefix + key), gt(rateLimits.hits, 0), gt(rateLimits.resetAt, sql`now()`))),
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.#run(() => this.db.delete(rateLimits).where(eq(rateLimits.key, this.prefix + key)));
  }

  /**
   * Deletes the rows whose window has ended, of every limiter (such a row counts as none, so
   * nothing is lost); returns how many. One statement over a table of one row per client active
   * within the longest window, so no index on `reset_at`, which every window restart would update.
   */
  async sweep(): Promise<number> {
    const gone = await this.#run(() =>
      this.db
        .delete(rateLimits)
        .where(lte(rateLimits.resetAt, sql`now()`))
        .returning({ key: rateLimits.key }),
    );
    return gone.length;
  }

  /**
   * A sweep at most once a window per store and process, started by a hit and not waited for, so
   * it never delays a request and needs no timer to stop. A sweep that fails is left for the next.
   */
  #sweepNowAndThen(): void {
    const now = Date.now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + this.#windowMs;
    this.sweep().catch(() => {});
  }

  async #run<T>(query: () => PromiseLike<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      throw new RateLimitStoreError(err);
    }
  }
}
