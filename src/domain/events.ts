/**
 * What the domain tells the rest of the system after a write has committed.
 * Events carry ids only: each listener loads and renders what it needs.
 */
export type DomainEvent =
  | { kind: "message.created"; roomId: number; messageId: number; authorId: number }
  /** Its attachments changed (an image was described). */
  | { kind: "message.updated"; roomId: number; messageId: number; authorId: number }
  | { kind: "membership.ended"; roomId: number; userId: number }
  | { kind: "presence.changed"; userId: number }
  | { kind: "typing.changed"; roomId: number }
  /** `hadUnread`: whether the reader had unread messages in the room before the pointer moved. */
  | { kind: "read.moved"; roomId: number; userId: number; hadUnread: boolean }
  /** A signed-in session was destroyed (log-out, or a new log-in in its place): its sockets close. */
  | { kind: "session.ended"; userId: number; sessionId: string };

export interface EventBus {
  publish(event: DomainEvent): void;
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

/** One process: listeners run in order, after the publisher's current work. */
export class LocalEventBus implements EventBus {
  #listeners = new Set<(event: DomainEvent) => void>();

  publish(event: DomainEvent): void {
    for (const listener of this.#listeners) queueMicrotask(() => listener(event));
  }

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
