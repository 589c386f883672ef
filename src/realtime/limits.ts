/** How many signals a page may send: `perSecond` on average, with room for a burst of `burst`. */
export interface SignalLimits {
  perSecond: number;
  burst: number;
}

/**
 * A person's sockets on this instance share twice what one socket may send: a person types and
 * reads in one page at a time, and the second share covers a page taking over from another.
 */
const PERSON_SHARE = 2;

/**
 * A token bucket that also counts what it refused: refusals fill an overdraft that drains at the
 * same rate, so a sender that went over for a moment is told apart from one that keeps going,
 * without delaying the tokens it gets back.
 */
export class TokenBucket {
  #tokens: number;
  #overdraft = 0;
  #at: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
    this.#at = Date.now();
  }

  #refill(): void {
    const now = Date.now();
    const gained = ((now - this.#at) * this.perSecond) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + gained);
    this.#overdraft = Math.max(0, this.#overdraft - gained);
    this.#at = now;
  }

  /** Spends a token; `false` when there was none. */
  take(): boolean {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.#overdraft += 1;
    return false;
  }

  /** A whole burst more was refused than the rate forgives: the sender keeps on regardless. */
  get exhausted(): boolean {
    return this.#overdraft >= this.burst;
  }

  /** Milliseconds until `take()` would be granted. */
  wait(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond);
  }
}

export type Admission = "admit" | "drop" | "flood";

/**
 * Page signals cost nothing to send and something to handle (each read is an UPDATE), so each
 * socket and each person (across their sockets here) gets a token bucket. Over the limit a signal
 * is dropped; a socket that keeps going is flooding. A dropped read is not lost: the newest one
 * per socket is kept and applied when the buckets allow, so the read pointer still ends where the
 * reader stopped. Per instance: this protects the instance's own CPU and database connections.
 */
export class SignalLimiter<Socket extends { userId: number }> {
  readonly #sockets = new Map<Socket, TokenBucket>();
  readonly #people = new Map<number, { bucket: TokenBucket; sockets: number }>();
  readonly #deferred = new Map<Socket, { messageId: number; timer: NodeJS.Timeout }>();

  constructor(readonly limits: SignalLimits) {}

  opened(socket: Socket): void {
    const { perSecond, burst } = this.limits;
    this.#sockets.set(socket, new TokenBucket(perSecond, burst));
    const person = this.#people.get(socket.userId);
    if (person) person.sockets++;
    else this.#people.set(socket.userId, { bucket: new TokenBucket(perSecond * PERSON_SHARE, burst * PERSON_SHARE), sockets: 1 });
  }

  closed(socket: Socket): void {
    if (!this.#sockets.delete(socket)) return;
    clearTimeout(this.#deferred.get(socket)?.timer);
    this.#deferred.delete(socket);
    const person = this.#people.get(socket.userId);
    if (person && --person.sockets === 0) this.#people.delete(socket.userId);
  }

  /** Whether a signal from `socket` is handled now, dropped, or the last straw. */
  admit(socket: Socket): Admission {
    const bucket = this.#sockets.get(socket);
    const person = this.#people.get(socket.userId);
    if (!bucket || !person) return "drop";
    if (!bucket.take()) return bucket.exhausted ? "flood" : "drop";
    return person.bucket.take() ? "admit" : "drop";
  }

  /** Keeps the newest read that `socket` could not send now, and hands it to `apply` once allowed. */
  deferRead(socket: Socket, messageId: number, apply: (messageId: number) => void): void {
    const pending = this.#deferred.get(socket);
    if (pending) {
      pending.messageId = Math.max(pending.messageId, messageId);
      return;
    }
    const retry = (): void => {
      const wait = this.#wait(socket);
      if (wait === undefined) return;
      if (wait > 0) {
        entry.timer = setTimeout(retry, wait).unref();
        return;
      }
      this.#deferred.delete(socket);
      this.admit(socket);
      apply(entry.messageId);
    };
    const entry = { messageId, timer: setTimeout(retry, this.#wait(socket) ?? 0).unref() };
    this.#deferred.set(socket, entry);
  }

  #wait(socket: Socket): number | undefined {
    const bucket = this.#sockets.get(socket);
    const person = this.#people.get(socket.userId);
    return bucket && person ? Math.max(bucket.wait(), person.bucket.wait()) : undefined;
  }
}
