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
  /** Some of the person's unread mentions were marked read (not by reading their rooms): their "@" counts changed. */
  | { kind: "mentions.read"; userId: number }
  /** A signed-in session was destroyed (log-out, or a new log-in in its place): its sockets close. */
  | { kind: "session.ended"; userId: number; sessionId: string };

type MessageChange<K extends string> = { kind: K; roomId: number; messageId: number; change: number };

/** Where a write's events are told from: it runs on a database handle, perhaps in a transaction. */
export interface EventBus {
  /**
   * Runs `write`, then tells everyone `eventsOf(its result)`, once it has committed and only if it
   * did. A bus across processes tells them inside the write's own transaction (see
   * src/db/event-bus.ts), so that a write that commits is always told and one rolled back never.
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
    const result = await write(db);
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
