import { sql } from "drizzle-orm";
import pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import type { DomainEvent, EventBus } from "../domain/events.js";
import type { Db, QueryPool } from "./client.js";
import type { DatabaseTimeouts } from "./pool.js";

/** The one channel every Parley process on a database listens on. */
export const EVENT_CHANNEL = "parley_events";

// What arrives is what a Parley process sent, but a notification is a string anyone with access to
// the database may send: it is checked before a listener acts on it.
const id = z.number().int().positive();
const eventSchema: z.ZodType<DomainEvent> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("message.created"), roomId: id, messageId: id, authorId: id }),
  z.object({ kind: z.literal("message.updated"), roomId: id, messageId: id, authorId: id }),
  z.object({ kind: z.enum(["message.edited", "message.deleted", "reaction.changed"]), roomId: id, messageId: id, change: id }),
  z.object({ kind: z.literal("membership.ended"), roomId: id, userId: id }),
  z.object({ kind: z.literal("presence.changed"), userId: id }),
  z.object({ kind: z.literal("typing.changed"), roomId: id, userId: id, typing: z.boolean() }),
  z.object({ kind: z.literal("read.moved"), roomId: id, userId: id, hadUnread: z.boolean() }),
  z.object({ kind: z.literal("mentions.read"), userId: id }),
  z.object({ kind: z.literal("session.ended"), userId: id, sessionId: z.string().min(1).max(200) }),
]);

/** Backoff between attempts to listen again: from the first to the longest. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Events across every Parley process on one PostgreSQL, through LISTEN/NOTIFY. A write's events
 * are sent with `pg_notify` inside its own transaction: PostgreSQL delivers them when it commits,
 * never if it rolls back, and in commit order, to every process listening, this one included (its
 * own listeners hear them the same way, so each process sees one stream in one order). Payloads
 * are the events' ids, far below NOTIFY's 8,000 bytes.
 *
 * Each process listens on one connection of its own, not the pool's. Notifications sent while it
 * is down are lost to it: it listens again with backoff and then calls `onResumed`, which brings
 * the pages it holds up to date (see Hub.catchUpAll).
 */
export class PostgresEventBus implements EventBus {
  readonly #url: string;
  readonly #pool: QueryPool;
  readonly #timeouts: DatabaseTimeouts;
  readonly #log: Logger;
  readonly #listeners = new Set<(event: DomainEvent) => void>();
  readonly #resumed = new Set<() => void>();
  #client: pg.Client | null = null;
  #retryMs = RETRY_FIRST_MS;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(url: string, pool: QueryPool, timeouts: DatabaseTimeouts, log: Logger) {
    this.#url = url;
    this.#pool = pool;
    this.#timeouts = timeouts;
    this.#log = log;
  }

  /** Listening before it returns: nothing this process writes afterwards goes unheard. */
  static async start(url: string, pool: QueryPool, timeouts: DatabaseTimeouts, log: Logger): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(url, pool, timeouts, log);
    await bus.#listen();
    return bus;
  }

  async writeAndTell<T>(db: Db, write: (db: Db) => Promise<T>, eventsOf: (result: T) => DomainEvent[]): Promise<T> {
    return db.transaction(async (tx) => {
      const result = await write(tx);
      const events = eventsOf(result);
      // One statement for them all; a transaction's notifications arrive in the order it sent them.
      const notifies = events.map((e) => sql`pg_notify(${EVENT_CHANNEL}, ${JSON.stringify(e)})`);
      if (notifies.length > 0) await tx.execute(sql`select ${sql.join(notifies, sql`, `)}`);
      return result;
    });
  }

  publish(event: DomainEvent): void {
    this.#pool.query("select pg_notify($1, $2)", [EVENT_CHANNEL, JSON.stringify(event)]).catch((err: unknown) => {
      this.#log.warn({ err, event }, "an event could not be sent to the other processes");
    });
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `listener` runs each time this process listens again after its connection was lost. */
  onResumed(listener: () => void): () => void {
    this.#resumed.add(listener);
    return () => this.#resumed.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      connectionTimeoutMillis: this.#timeouts.connectMs,
      keepAlive: true,
      query_timeout: this.#timeouts.queryMs,
    });
    // A listener's connection that breaks (the server restarts, the backend is terminated) errors
    // once and ends; without a handler the error would end the process.
    client.on("error", (err) => this.#log.warn({ err }, "the event connection to PostgreSQL failed"));
    client.on("notification", (message) => this.#received(message.payload));
    try {
      await client.connect();
      await client.query(`listen ${EVENT_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    client.on("end", () => this.#lost(client));
    this.#client = client;
    this.#retryMs = RETRY_FIRST_MS;
  }

  #received(payload: string | undefined): void {
    let event: DomainEvent;
    try {
      event = eventSchema.parse(JSON.parse(payload ?? ""));
    } catch (err) {
      this.#log.warn({ err, payload }, "an event notification was not understood");
      return;
    }
    for (const listener of this.#listeners) queueMicrotask(() => listener(event));
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = null;
    this.#log.warn("the event connection to PostgreSQL was lost; listening again");
    this.#again();
  }

  #again(): void {
    this.#retry = setTimeout(() => {
      this.#listen().then(
        () => {
          if (this.#closed) return void this.close();
          this.#log.info("listening for events again; pages catch up");
          for (const listener of this.#resumed) listener();
        },
        (err: unknown) => {
          this.#log.warn({ err, retryMs: this.#retryMs }, "listening for events failed; trying again");
          this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
          if (!this.#closed) this.#again();
        },
      );
    }, this.#retryMs);
  }
}
