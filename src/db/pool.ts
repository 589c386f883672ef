import pg from "pg";

/** How long Parley waits on PostgreSQL. PGlite runs in this process and needs none. */
export interface DatabaseTimeouts {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectMs: number;
  /** One query; a transaction left idle for as long is ended too. */
  queryMs: number;
}

// A healthy server connects and answers Parley's queries (index lookups) in milliseconds, so both
// only ever fire when it is down, frozen or overloaded: then a person gets an answer in seconds,
// well before a proxy in front of Parley gives up on it (nginx waits 60 s by default).
export const defaultTimeouts: DatabaseTimeouts = { connectMs: 5_000, queryMs: 10_000 };

/**
 * How much longer Parley waits than PostgreSQL's own `statement_timeout`: a live server cancels
 * a slow query first and the connection stays usable. Parley's own limit is what bounds the wait
 * on a server that has stopped answering, which enforces nothing.
 */
const SERVER_FIRST_MS = 500;

const QUERY_READ_TIMEOUT = "Query read timeout";

export function createPool(url: string, timeouts: DatabaseTimeouts): pg.Pool {
  const pool = new DroppingPool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: timeouts.queryMs,
    query_timeout: timeouts.queryMs + SERVER_FIRST_MS,
    // PostgreSQL compiles a query whose estimated cost is high enough (jit_above_cost) to machine
    // code, on every execution. The sidebar's unread counts are estimated as if a third of a large
    // room were unread, and compiling them took 27 ms of a 30 ms page on a history of 1,000,000
    // messages (docs/performance.md, issue 15); Parley's queries are index lookups that gain nothing.
    options: "-c jit=off",
  });
  // Idle clients can error when the server goes away; without a listener that kills the process.
  pool.on("error", () => {});
  // So can a lent client, whose listener pg removes while it is lent: its query gets the error.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * pg's `query_timeout` stops waiting but leaves the connection stuck behind the unanswered query.
 * `pool.query` then drops the client; drizzle's transactions, which borrow one with `connect()`,
 * either hand it back as healthy or, when `begin` is what timed out, never hand it back, so a
 * freeze of a few seconds would use up the pool for good. A client lent here is dropped (released
 * with the error, which closes it) as soon as a query on it times out, and the borrower's own
 * release afterwards does nothing.
 */
class DroppingPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    // pool.query borrows with a callback and drops timed-out clients itself.
    if (callback) return super.connect(callback);
    return super.connect().then(droppedOnTimeout);
  }
}

const watched = new WeakSet<pg.PoolClient>();

function droppedOnTimeout(client: pg.PoolClient): pg.PoolClient {
  const release = client.release.bind(client);
  let released = false;
  // pg gives each loan a fresh release function, so this one is only for the current loan.
  client.release = (err?: Error | boolean) => {
    if (released) return;
    released = true;
    release(err);
  };
  if (!watched.has(client)) {
    watched.add(client);
    const query = client.query.bind(client);
    client.query = function (this: pg.PoolClient, ...args: unknown[]) {
      const result: unknown = Reflect.apply(query, this, args);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if ((err as Error).message === QUERY_READ_TIMEOUT) client.release(err as Error);
        });
      }
      return result;
    } as typeof client.query;
  }
  return client;
}

// What pg says when no connection came in time (a new one, or a free one from the pool)...
const connectTimeouts = new Set(["timeout exceeded when trying to connect", "Connection terminated due to connection timeout"]);
// ...and when no answer came, or the connection went away.
const noAnswer = new Set([
  QUERY_READ_TIMEOUT,
  ...connectTimeouts,
  "Connection terminated unexpectedly",
  "Client was closed and is not queryable",
  "Client has encountered a connection error and is not queryable",
]);
const networkCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

/**
 * The pg error behind `err` (drizzle wraps them in `cause`) when it means PostgreSQL is not
 * answering: unreachable, frozen, shutting down, out of connections, or too slow for the
 * timeouts (SQLSTATE 57014 is `statement_timeout`, 25P03 `idle_in_transaction_session_timeout`).
 */
function unanswered(err: unknown): (Error & { code?: string }) | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (noAnswer.has(e.message)) return e;
    if (typeof code !== "string") continue;
    if (networkCodes.has(code) || /^(08|57)/.test(code) || code === "53300" || code === "25P03") return e;
  }
  return undefined;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return unanswered(err) !== undefined;
}

/** Why PostgreSQL did not answer, in a few words for one line on the console. */
export function unavailableReason(err: unknown, timeouts: DatabaseTimeouts): string | undefined {
  const cause = unanswered(err);
  if (cause === undefined) return undefined;
  if (cause.message === QUERY_READ_TIMEOUT) return `no answer to a query within ${timeouts.queryMs + SERVER_FIRST_MS} ms`;
  if (connectTimeouts.has(cause.message)) return `no answer within ${timeouts.connectMs} ms`;
  return cause.code ?? cause.message;
}
