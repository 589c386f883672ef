import type { Db } from "../db/client.js";

/**
 * What the domain tells the rest of the system after a write has committed.
 * Events carry ids only: each listener loads and renders what it needs.
 */
export type DomainEvent =
  | { kind: "message.created"; roomId: number; messageId: number; authorId: number }
  /** Its attachments changed (an image was described). */
  | { kind: "message.updated"; roomId: number; messageId: number; authorId: number }
  /**
   * A posted message changed: its author edited it, it was deleted, or someone reacted to it.
   * `change` is the room's change number it took (src/domain/sql/changes.ts).
   */
  | MessageChange<"message.edited">
  | MessageChange<"message.deleted">
  | MessageChange<"reaction.changed">
  | { kind: "membership.ended"; roomId: number; userId: number }
  | { kind: "presence.changed"; userId: number }
  /** Told by the instance holding the typist's page: they started (or still are) typing, or stopped. */
  | { kind: "typing.changed"; roomId: number; userId: number; typing: boolean }
  /** `hadUnread`: whether the reader had unread messages in the room before the pointer moved. */
  | { kind: "read.moved"; roomId: number; userId: number; hadUnread: boolean }
  /**
   * The person's mentions changed other than by a new message or their pointer moving (marked read
   * on the Mentions page, or an edit that named or stopped naming them): their "@" counts changed.
   */
  | { kind: "mentions.changed"; userId: number }
  /** A signed-in session was destroyed (log-out, or a new log-in in its place): its sockets close. */
  | { kind: "session.ended"; userId: number; sessionId: string };

type MessageChange<K extends string> = { kind: K; roomId: number; messageId: number; change: number };

/** Where a write's events are told from: it runs on a database handle, perhaps in a transaction. */
export interface EventBus {
  /**
   * Runs `write` in one transaction, then tells everyone `eventsOf(its result)`, once it has
   * committed and only if it did. A bus across processes tells them inside that transaction (see
   * src/db/event-bus.ts), so that a write that commits is always told and one rolled back never.
   * A write of several statements needs no transaction of its own (which would be a savepoint).
   */
  writeAndTell<T>(db: Db, write: (db: Db) => Promise<T>, eventsOf: (result: T) => DomainEvent[]): Promise<T>;
  /** Tells what changed outside the database (presence, typing, a session's end), at once. */
  publish(event: DomainEvent): void;
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

/** One process (the embedded database): listeners run in order, after the publisher's current work. */
export class LocalEventBus implements EventBus {
  #listeners = new Set<(event: DomainEvent) => void>();

  async writeAndTell<T>(db: Db, write: (db: Db) => Promise<T>, eventsOf: (result: T) => DomainEvent[]): Promise<T> {
    const result = await db.transaction((tx) => write(tx));
    for (const event of eventsOf(result)) this.publish(event);
    return result;
  }

  publish(event: DomainEvent): void {
    for (const listener of this.#listeners) queueMicrotask(() => listener(event));
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
