import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import type { RequestHandler } from "express";
import type { QueryPool } from "../db/client.js";

declare module "express-session" {
  interface SessionData {
    userId: number;
    csrfToken: string;
  }
}

const PgStore = connectPgSimple(session);

type Callback<T = void> = (err?: unknown, value?: T) => void;
const KEPT_SESSIONS = 10_000;

/**
 * connect-pg-simple, with the sessions this process has read or written kept in memory for a few
 * seconds (`keepMs`): every request and every socket upgrade reads its session, and a burst of them
 * costs one query. Another process on the same database may destroy a session (log-out there): it
 * tells every process on the event bus, which `forget`s its copy (see server.ts); the few seconds
 * bound what a lost notification could keep alive. Each read gets its own copy, because
 * express-session changes the object it is given.
 */
class KeepingPgStore extends PgStore {
  readonly #kept = new Map<string, { json: string; expires: number }>();
  /** Moves on with every write, so that a read that started before one does not keep what it read. */
  #writes = 0;
  readonly #keepMs: number;

  constructor(options: ConstructorParameters<typeof PgStore>[0], keepMs: number) {
    super(options);
    this.#keepMs = keepMs;
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    const kept = this.#kept.get(sid);
    if (kept && kept.expires > Date.now()) return callback(null, JSON.parse(kept.json) as session.SessionData);
    const writes = this.#writes;
    super.get(sid, (err?: unknown, sess?: session.SessionData | null) => {
      if (!err && sess && writes === this.#writes) this.#keep(sid, sess);
      callback(err, sess);
    });
  }

  override set(sid: string, sess: session.SessionData, callback?: Callback): void {
    this.#writes++;
    this.#keep(sid, sess);
    super.set(sid, sess, (err?: unknown) => {
      if (err) this.#kept.delete(sid);
      callback?.(err);
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    this.#writes++;
    this.#kept.delete(sid);
    super.destroy(sid, callback);
  }

  /** Drops the kept copy of a session ended elsewhere, and any read of it still on its way. */
  forget(sid: string): void {
    this.#writes++;
    this.#kept.delete(sid);
  }

  #keep(sid: string, sess: session.SessionData): void {
    if (this.#keepMs === 0) return;
    if (this.#kept.size >= KEPT_SESSIONS) this.#kept.delete(this.#kept.keys().next().value!);
    const cookieExpires = sess.cookie.expires ? new Date(sess.cookie.expires).getTime() : Infinity;
    // Deleted and set again, so that the map stays in order of keeping and the oldest goes first.
    this.#kept.delete(sid);
    this.#kept.set(sid, { json: JSON.stringify(sess), expires: Math.min(cookieExpires, Date.now() + this.#keepMs) });
  }
}

export const SESSION_COOKIE = "parley.sid";
const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;

export interface Sessions {
  /** Shared by HTTP routes and the WebSocket upgrade. */
  middleware: RequestHandler;
  /** Forgets what this process keeps of a session that ended in another. */
  forget(sessionId: string): void;
  /** Stops the store's pruning timer; call before closing the database. */
  close(): Promise<void>;
}

/** `keepMs`: how long a session read or written here is served from memory (0: never). */
export function createSessions(pool: QueryPool, secret: string, keepMs: number): Sessions {
  // A session lasts 30 days from log-in. Not touching it on every request saves a database
  // write per request (each message post included).
  const store = new KeepingPgStore({ pool: pool as never, tableName: "session", createTableIfMissing: false, disableTouch: true }, keepMs);
  return {
    middleware: session({
      name: SESSION_COOKIE,
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: "lax", secure: "auto", maxAge: THIRTY_DAYS },
    }),
    forget: (sessionId) => store.forget(sessionId),
    close: async () => {
      // connect-pg-simple's close() is async; its types say it returns nothing.
      await Promise.resolve(store.close());
    },
  };
}
