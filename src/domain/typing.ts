import type { EventBus } from "./events.js";

/**
 * Who is typing in which room, across every instance on the database. A signal starts or
 * refreshes a typist; one without a fresh signal for `expiryMs` is dropped, and so is one who
 * sends, leaves or closes the page.
 *
 * The instance that holds a typist's page tells everyone with `typing.changed` (`typing: true`
 * when they start, and again at most every half expiry while signals keep coming; `false` when
 * they stop or expire), and every instance, this one included, keeps the typists it hears of:
 * `typists()` is the same everywhere. An instance that dies cannot say `false`, so what is heard
 * also expires on its own, half an expiry later than the typist's own clock would have: a dead
 * instance's typists are dropped within 1.5 × `expiryMs` of their last signal. `onChanged` tells
 * this instance's hub when a room's typists changed, whatever the cause (no event is published
 * for an expiry heard of, since every instance drops it on its own).
 */
export class Typing {
  /** Every instance's typists, as heard: insertion order is the order they started. */
  readonly #rooms = new Map<number, Map<number, NodeJS.Timeout>>();
  /** This instance's typists: when each expires here, and when it was last told. */
  readonly #mine = new Map<string, { timer: NodeJS.Timeout; toldAt: number }>();
  readonly #listeners = new Set<(roomId: number) => void>();
  readonly #events: Pick<EventBus, "publish">;
  readonly #unsubscribe: () => void;
  readonly #expiryMs: number;
  /** A typist who keeps typing is told again at most this often. */
  readonly #retellMs: number;

  constructor(events: Pick<EventBus, "publish" | "subscribe">, expiryMs: number) {
    this.#events = events;
    this.#expiryMs = expiryMs;
    this.#retellMs = Math.floor(expiryMs / 2);
    this.#unsubscribe = events.subscribe((event) => {
      if (event.kind === "typing.changed") this.#heard(event.roomId, event.userId, event.typing);
    });
  }

  /** A "typing" signal from a member's room page held here; the caller has checked membership. */
  signal(roomId: number, userId: number): void {
    const key = `${roomId}:${userId}`;
    const previous = this.#mine.get(key);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => this.stopped(roomId, userId), this.#expiryMs);
    timer.unref();
    const now = Date.now();
    const tell = !previous || now - previous.toldAt >= this.#retellMs;
    this.#mine.set(key, { timer, toldAt: tell ? now : previous.toldAt });
    if (tell) this.#events.publish({ kind: "typing.changed", roomId, userId, typing: true });
  }

  /** They sent, left or closed the page (here or on another instance), or their signals stopped. */
  stopped(roomId: number, userId: number): void {
    const key = `${roomId}:${userId}`;
    const mine = this.#mine.get(key);
    if (mine) {
      clearTimeout(mine.timer);
      this.#mine.delete(key);
    }
    if (mine || this.#rooms.get(roomId)?.has(userId)) this.#events.publish({ kind: "typing.changed", roomId, userId, typing: false });
  }

  /** Typists of a room, in the order they started. */
  typists(roomId: number): number[] {
    return [...(this.#rooms.get(roomId)?.keys() ?? [])];
  }

  /** `listener(roomId)` runs after a room's typists changed. */
  onChanged(listener: (roomId: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stop(): void {
    this.#unsubscribe();
    for (const { timer } of this.#mine.values()) clearTimeout(timer);
    this.#mine.clear();
    for (const typists of this.#rooms.values()) for (const timer of typists.values()) clearTimeout(timer);
    this.#rooms.clear();
  }

  #heard(roomId: number, userId: number, typing: boolean): void {
    let typists = this.#rooms.get(roomId);
    const previous = typists?.get(userId);
    if (previous) clearTimeout(previous);
    if (!typing) {
      const mine = this.#mine.get(`${roomId}:${userId}`);
      if (mine) clearTimeout(mine.timer);
      this.#mine.delete(`${roomId}:${userId}`);
      if (!typists || !previous) return;
      typists.delete(userId);
      if (typists.size === 0) this.#rooms.delete(roomId);
      return this.#changed(roomId);
    }
    if (!typists) this.#rooms.set(roomId, (typists = new Map<number, NodeJS.Timeout>()));
    // Longer than the typist's own clock: the instance that holds them says when they stop.
    const timer = setTimeout(() => {
      if (typists.get(userId) !== timer) return;
      typists.delete(userId);
      if (typists.size === 0 && this.#rooms.get(roomId) === typists) this.#rooms.delete(roomId);
      this.#changed(roomId);
    }, this.#expiryMs + this.#retellMs);
    timer.unref();
    // Map.set keeps a typist already there in their place.
    typists.set(userId, timer);
    if (!previous) this.#changed(roomId);
  }

  #changed(roomId: number): void {
    for (const listener of this.#listeners) listener(roomId);
  }
}
