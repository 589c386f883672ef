import { randomUUID } from "node:crypto";
import { and, eq, gt, inArray, lte, notExists, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { instances, memberships, presencePages, users } from "../db/schema.js";
import type { EventBus } from "./events.js";

export interface PresenceState {
  userId: number;
  online: boolean;
  lastSeenAt: Date | null;
}

/** Several instances on one PostgreSQL: how often each says it is alive, and where it tells of trouble. */
export interface PresenceCluster {
  heartbeatMs: number;
  log: Pick<Logger, "warn">;
}

/** An instance that has missed this many heartbeats counts as dead. */
const MISSED_HEARTBEATS = 3;

/**
 * Who is online: a person is online while at least one of their pages holds a socket, and goes
 * offline only when none has come back within the grace period, so that a reload or a short drop
 * does not flicker. Changes are published as `presence.changed`.
 *
 * On one process (the embedded database) that is this process's sockets. With `cluster` (several
 * processes on one PostgreSQL), each instance has a row in `instances`, which it keeps alive with a
 * heartbeat, and a row in `presence_pages` for each person with a page on it (kept through their
 * grace period): a person is online if a live instance has a row of theirs. Each instance keeps an
 * in-memory view of that, so that renders ask `state()` synchronously: it is read again for one
 * person on each `presence.changed` (`stateOf`, which the broadcast awaits before rendering) and
 * for everyone at each heartbeat, which is how a dead instance's people are noticed going offline
 * (`onChanged` tells this instance's hub; nothing is published, since every instance notices).
 *
 * Bounds: an instance's row expires `MISSED_HEARTBEATS` intervals after its last heartbeat, and is
 * noticed at the next heartbeat of another, so a killed instance's people go offline within four
 * intervals. One that stops cleanly keeps its rows for the grace period (pages it closed with 1012
 * reconnect to another instance meanwhile, without a flicker), then they expire the same way.
 */
export class Presence {
  readonly #sockets = new Map<number, number>();
  readonly #leaving = new Map<number, NodeJS.Timeout>();
  readonly #db: Db;
  readonly #events: Pick<EventBus, "publish">;
  readonly #graceMs: number;
  readonly #cluster: PresenceCluster | null;
  /** This process's row in `instances`. */
  readonly instanceId = randomUUID();
  /** With `cluster`: who had a page on a live instance, as last read. */
  readonly #online = new Set<number>();
  /** Reads are numbered as they start; a person's bit takes only a read newer than the one it came from. */
  #reads = 0;
  readonly #readOf = new Map<number, number>();
  /** Each person's writes to `presence_pages`, one after another. */
  readonly #writes = new Map<number, Promise<void>>();
  readonly #listeners = new Set<(userId: number) => void>();
  #heartbeat: NodeJS.Timeout | undefined;
  #beating = false;
  #stopped = false;

  constructor(db: Db, events: Pick<EventBus, "publish">, graceMs: number, cluster: PresenceCluster | null = null) {
    this.#db = db;
    this.#events = events;
    this.#graceMs = graceMs;
    this.#cluster = cluster;
  }

  /** With `cluster`: registers this instance, reads who is online, and starts the heartbeat. */
  async start(): Promise<void> {
    const cluster = this.#cluster;
    if (!cluster) return;
    await this.#register();
    await this.#sweep();
    await this.#readAll();
    this.#heartbeat = setInterval(() => {
      if (this.#beating) return;
      this.#beating = true;
      this.#beat()
        .catch((err: unknown) => cluster.log.warn({ err }, "presence heartbeat failed"))
        .finally(() => (this.#beating = false));
    }, cluster.heartbeatMs);
    this.#heartbeat.unref();
  }

  connected(userId: number): void {
    const count = (this.#sockets.get(userId) ?? 0) + 1;
    this.#sockets.set(userId, count);
    const leaving = this.#leaving.get(userId);
    if (leaving) {
      clearTimeout(leaving);
      this.#leaving.delete(userId);
    } else if (count === 1) {
      if (!this.#cluster) return this.#events.publish({ kind: "presence.changed", userId });
      // Told once the row is there: every instance reads it on hearing.
      this.#write(userId, async () => {
        await this.#hold([userId]);
        this.#events.publish({ kind: "presence.changed", userId });
      });
    }
  }

  disconnected(userId: number): void {
    const count = (this.#sockets.get(userId) ?? 1) - 1;
    if (count > 0) return void this.#sockets.set(userId, count);
    this.#sockets.delete(userId);
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#leaving.delete(userId);
      if (this.#cluster) this.#write(userId, () => this.#leftEverywhere(userId));
      else this.#wentOffline(userId).catch(() => {});
    }, this.#graceMs);
    timer.unref();
    this.#leaving.set(userId, timer);
  }

  isOnline(userId: number): boolean {
    return this.#sockets.has(userId) || this.#leaving.has(userId) || this.#online.has(userId);
  }

  /** Combines who is online (on every instance, as this one last read it) with the last-seen time stored for a person. */
  state(userId: number, lastSeenAt: Date | null): PresenceState {
    return { userId, online: this.isOnline(userId), lastSeenAt };
  }

  /** A person's state read from the database; with `cluster`, it reads again whether they are online anywhere. */
  async stateOf(userId: number): Promise<PresenceState | null> {
    if (!this.#cluster) {
      const [row] = await this.#db.select({ lastSeenAt: users.lastSeenAt }).from(users).where(eq(users.id, userId));
      return row ? this.state(userId, row.lastSeenAt) : null;
    }
    const read = ++this.#reads;
    const [row] = await this.#db
      .select({ lastSeenAt: users.lastSeenAt, online: sql<boolean>`exists (${this.#livePages(userId)})` })
      .from(users)
      .where(eq(users.id, userId));
    this.#apply(read, userId, row?.online ?? false);
    return row ? this.state(userId, row.lastSeenAt) : null;
  }

  /** `listener(userId)` runs when this instance's view of a person changed without an event (an instance died). */
  onChanged(listener: (userId: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Everyone who shares a room with this person (themselves included): those who may see their presence. */
  async audienceOf(userId: number): Promise<Set<number>> {
    const rows = await this.#db
      .selectDistinct({ userId: memberships.userId })
      .from(memberships)
      .where(
        inArray(
          memberships.roomId,
          this.#db.select({ roomId: memberships.roomId }).from(memberships).where(eq(memberships.userId, userId)),
        ),
      );
    return new Set(rows.map((r) => r.userId));
  }

  /** Stops pending grace timers and the heartbeat; sockets closing during shutdown do not mark anyone offline. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    for (const timer of this.#leaving.values()) clearTimeout(timer);
    this.#leaving.clear();
  }

  /**
   * After `stop()`, with `cluster`: this instance's rows count for one more grace period, so that
   * its people's pages, which reconnect to another instance, do not flicker; then they expire.
   */
  async handOver(): Promise<void> {
    if (!this.#cluster || !this.#stopped) return;
    await Promise.allSettled(this.#writes.values());
    await this.#db
      .update(instances)
      .set({ expiresAt: sql`now() + ${this.#graceMs} * interval '1 millisecond'` })
      .where(eq(instances.id, this.instanceId))
      .catch((err: unknown) => this.#cluster?.log.warn({ err }, "presence: could not hand over on stop"));
  }

  async #wentOffline(userId: number): Promise<void> {
    if (this.#stopped || this.isOnline(userId)) return;
    await this.#db
      .update(users)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(users.id, userId));
    this.#events.publish({ kind: "presence.changed", userId });
  }

  /** The grace ran out here: this instance lets go, and the person is offline if no other instance holds them. */
  async #leftEverywhere(userId: number): Promise<void> {
    if (this.#stopped || this.#sockets.has(userId) || this.#leaving.has(userId)) return;
    // One transaction: no instance reads them offline before their last-seen time is stored.
    const gone = await this.#db.transaction(async (tx) => {
      await tx.delete(presencePages).where(and(eq(presencePages.instanceId, this.instanceId), eq(presencePages.userId, userId)));
      return tx
        .update(users)
        .set({ lastSeenAt: sql`now()` })
        .where(and(eq(users.id, userId), notExists(this.#livePages(userId))))
        .returning({ id: users.id });
    });
    if (gone.length === 0) return;
    this.#online.delete(userId);
    this.#events.publish({ kind: "presence.changed", userId });
  }

  #write(userId: number, write: () => Promise<void>): void {
    const previous = this.#writes.get(userId) ?? Promise.resolve();
    const next = previous.then(write).catch((err: unknown) => this.#cluster?.log.warn({ err, userId }, "presence could not be stored"));
    this.#writes.set(userId, next);
    void next.finally(() => {
      if (this.#writes.get(userId) === next) this.#writes.delete(userId);
    });
  }

  /** Rows for these people on this instance. */
  async #hold(userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.#db
      .insert(presencePages)
      .values(userIds.map((userId) => ({ instanceId: this.instanceId, userId })))
      .onConflictDoNothing();
  }

  async #register(): Promise<void> {
    await this.#db
      .insert(instances)
      .values({ id: this.instanceId, expiresAt: this.#expiry() })
      .onConflictDoUpdate({ target: instances.id, set: { heartbeatAt: sql`now()`, expiresAt: this.#expiry() } });
  }

  #expiry() {
    return sql`now() + ${this.#cluster!.heartbeatMs * MISSED_HEARTBEATS} * interval '1 millisecond'`;
  }

  async #beat(): Promise<void> {
    const alive = await this.#db
      .update(instances)
      .set({ heartbeatAt: sql`now()`, expiresAt: this.#expiry() })
      .where(eq(instances.id, this.instanceId))
      .returning({ id: instances.id });
    if (this.#stopped) return;
    if (alive.length === 0) {
      // Counted dead (it was stalled past its expiry): it registers again, with everyone it holds.
      this.#cluster!.log.warn({ instanceId: this.instanceId }, "presence: this instance had expired; registering again");
      await this.#register();
      await this.#hold([...new Set([...this.#sockets.keys(), ...this.#leaving.keys()])]);
    }
    await this.#sweep();
    await this.#readAll();
  }

  /**
   * Deletes instances past their expiry; their people offline everywhere now get their last-seen
   * time, in the same transaction, so that no instance reads them offline without it.
   */
  async #sweep(): Promise<void> {
    const expired = lte(instances.expiresAt, sql`now()`);
    const [any] = await this.#db.select({ id: instances.id }).from(instances).where(expired).limit(1);
    if (!any) return;
    await this.#db.transaction(async (tx) => {
      const held = await tx
        .selectDistinct({ userId: presencePages.userId })
        .from(presencePages)
        .innerJoin(instances, eq(instances.id, presencePages.instanceId))
        .where(expired);
      const dead = await tx.delete(instances).where(expired).returning({ id: instances.id });
      if (dead.length === 0 || held.length === 0) return;
      await tx
        .update(users)
        .set({ lastSeenAt: sql`now()` })
        .where(
          and(
            inArray(
              users.id,
              held.map((r) => r.userId),
            ),
            notExists(this.#livePages(users.id)),
          ),
        );
    });
  }

  /** Reads everyone online on a live instance, and tells of those whose bit changed here. */
  async #readAll(): Promise<void> {
    const read = ++this.#reads;
    const rows = await this.#db
      .selectDistinct({ userId: presencePages.userId })
      .from(presencePages)
      .innerJoin(instances, eq(instances.id, presencePages.instanceId))
      .where(gt(instances.expiresAt, sql`now()`));
    const now = new Set(rows.map((r) => r.userId));
    const changed: number[] = [];
    for (const userId of new Set([...this.#online, ...now])) {
      const before = this.isOnline(userId);
      this.#apply(read, userId, now.has(userId));
      if (this.isOnline(userId) !== before) changed.push(userId);
    }
    if (this.#stopped) return;
    for (const userId of changed) for (const listener of this.#listeners) listener(userId);
  }

  #apply(read: number, userId: number, online: boolean): void {
    if ((this.#readOf.get(userId) ?? 0) > read) return;
    this.#readOf.set(userId, read);
    if (online) this.#online.add(userId);
    else this.#online.delete(userId);
  }

  /** The rows of live instances that hold `userId` (a number, or a column of the outer query). */
  #livePages(userId: number | typeof users.id) {
    return this.#db
      .select({ one: sql`1` })
      .from(presencePages)
      .innerJoin(instances, eq(instances.id, presencePages.instanceId))
      .where(and(eq(presencePages.userId, userId), gt(instances.expiresAt, sql`now()`)));
  }
}
