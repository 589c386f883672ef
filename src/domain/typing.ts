import type { EventBus } from "./events.js";

/**
 * Who is typing in which room, on this instance. A signal starts or refreshes a typist; one
 * without a fresh signal for `expiryMs` is dropped, and so is one who sends, leaves or closes the
 * page. Only changes to the set of typists are published (`typing.changed`), never each signal.
 */
export class Typing {
  readonly #rooms = new Map<number, Map<number, NodeJS.Timeout>>();
  readonly #events: Pick<EventBus, "publish">;
  readonly #expiryMs: number;

  constructor(events: Pick<EventBus, "publish">, expiryMs: number) {
    this.#events = events;
    this.#expiryMs = expiryMs;
  }

  /** A "typing" signal from a member's room page; the caller has checked membership. */
  signal(roomId: number, userId: number): void {
    let typists = this.#rooms.get(roomId);
    if (!typists) this.#rooms.set(roomId, (typists = new Map<number, NodeJS.Timeout>()));
    const previous = typists.get(userId);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => this.stopped(roomId, userId), this.#expiryMs);
    timer.unref();
    typists.set(userId, timer);
    if (!previous) this.#events.publish({ kind: "typing.changed", roomId });
  }

  stopped(roomId: number, userId: number): void {
    const typists = this.#rooms.get(roomId);
    const timer = typists?.get(userId);
    if (!typists || !timer) return;
    clearTimeout(timer);
    typists.delete(userId);
    if (typists.size === 0) this.#rooms.delete(roomId);
    this.#events.publish({ kind: "typing.changed", roomId });
  }

  /** Typists of a room, in the order they started. */
  typists(roomId: number): number[] {
    return [...(this.#rooms.get(roomId)?.keys() ?? [])];
  }

  stop(): void {
    for (const typists of this.#rooms.values()) for (const timer of typists.values()) clearTimeout(timer);
    this.#rooms.clear();
  }
}
