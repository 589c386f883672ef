import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { memberships, users } from "../db/schema.js";
import type { EventBus } from "./events.js";

export interface PresenceState {
  userId: number;
  online: boolean;
  lastSeenAt: Date | null;
}

/**
 * Who is online on this instance: a person is online while at least one of their pages holds a
 * socket, and goes offline only when none has come back within the grace period, so that a reload
 * or a short drop does not flicker. Changes are published as `presence.changed`.
 */
export class Presence {
  readonly #sockets = new Map<number, number>();
  readonly #leaving = new Map<number, NodeJS.Timeout>();
  readonly #db: Db;
  readonly #events: Pick<EventBus, "publish">;
  readonly #graceMs: number;
  #stopped = false;

  constructor(db: Db, events: Pick<EventBus, "publish">, graceMs: number) {
    this.#db = db;
    this.#events = events;
    this.#graceMs = graceMs;
  }

  connected(userId: number): void {
    const count = (this.#sockets.get(userId) ?? 0) + 1;
    this.#sockets.set(userId, count);
    const leaving = this.#leaving.get(userId);
    if (leaving) {
      clearTimeout(leaving);
      this.#leaving.delete(userId);
    } else if (count === 1) {
      this.#events.publish({ kind: "presence.changed", userId });
    }
  }

  disconnected(userId: number): void {
    const count = (this.#sockets.get(userId) ?? 1) - 1;
    if (count > 0) return void this.#sockets.set(userId, count);
    this.#sockets.delete(userId);
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#leaving.delete(userId);
      this.#wentOffline(userId).catch(() => {});
    }, this.#graceMs);
    timer.unref();
    this.#leaving.set(userId, timer);
  }

  isOnline(userId: number): boolean {
    return this.#sockets.has(userId) || this.#leaving.has(userId);
  }

  /** Combines this instance's sockets with the last-seen time stored for a person. */
  state(userId: number, lastSeenAt: Date | null): PresenceState {
    return { userId, online: this.isOnline(userId), lastSeenAt };
  }

  async stateOf(userId: number): Promise<PresenceState | null> {
    const [row] = await this.#db.select({ lastSeenAt: users.lastSeenAt }).from(users).where(eq(users.id, userId));
    return row ? this.state(userId, row.lastSeenAt) : null;
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

  /** Stops pending grace timers; sockets closing during shutdown do not mark anyone offline. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#leaving.values()) clearTimeout(timer);
    this.#leaving.clear();
  }

  async #wentOffline(userId: number): Promise<void> {
    if (this.#stopped || this.isOnline(userId)) return;
    await this.#db
      .update(users)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(users.id, userId));
    this.#events.publish({ kind: "presence.changed", userId });
  }
}
