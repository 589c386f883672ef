/**
 * Pushes of current state (who is typing, unread counts, presence) load from the database and can
 * finish out of order; an older one arriving last would show a stale state. Each push takes a
 * ticket for its key; when ready it sends only if no newer push for that key has started since.
 */
export class Supersede {
  #seq = 0;
  readonly #newest = new Map<string, number>();

  /** Starts a push for `key`. Call the result once the push is ready: true means send it. */
  start(key: string): () => boolean {
    const ticket = ++this.#seq;
    this.#newest.set(key, ticket);
    return () => {
      if (this.#newest.get(key) !== ticket) return false;
      this.#newest.delete(key);
      return true;
    };
  }
}
