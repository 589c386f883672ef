import { WebSocket } from "ws";
import type { Client } from "./registry.js";

/** A push: one string for every viewer, or one per variant, chosen by the page it goes to. */
export type Push = string | ((client: Client) => string);

/**
 * Writes pushes to sockets. Everything one turn of the event loop sends to a socket leaves in one
 * write: the connection stays corked until the turn ends, so a message and the sidebar row that
 * comes with it cost each member one system call, not two.
 */
export class Transport {
  readonly #corked = new Set<Client["transport"]>();

  /**
   * Sends one frame, or keeps it while the page is being brought up to date (see `holdUntil`). A
   * frame carrying new message `messageId` goes only to a page that does not have that message
   * yet; one carrying a room's `change` only to a page that has not seen that change yet.
   */
  write(client: Client, html: string, { messageId, change }: Carries = {}): void {
    if (messageId !== undefined) {
      if (client.newest !== null && messageId <= client.newest) return;
      client.newest = messageId;
    }
    if (change !== undefined) {
      if (client.changes !== null && change <= client.changes) return;
      client.changes = change;
    }
    if (client.held) return void client.held.push({ html, messageId, change });
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (!this.#corked.has(client.transport)) {
      if (this.#corked.size === 0) setImmediate(this.#uncork);
      client.transport.cork();
      this.#corked.add(client.transport);
    }
    client.ws.send(html);
  }

  readonly #uncork = (): void => {
    for (const transport of this.#corked) transport.uncork();
    this.#corked.clear();
  };

  /**
   * Writes `push` to each of `clients`, or only to those whose user is in `audience`, and what it
   * `carries` only to those that do not have it (see `write`). A push per variant should keep its
   * renders (see `oncePerKey`): it is asked once per socket.
   */
  send(clients: Iterable<Client>, push: Push, audience?: ReadonlySet<number>, carries?: Carries): void {
    for (const client of clients) {
      if (!audience || audience.has(client.userId)) this.write(client, typeof push === "string" ? push : push(client), carries);
    }
  }

  /**
   * Holds the page's pushes until `state` (what changed since it was rendered) has gone out first:
   * a page then sees every message once it has the state, in order. A held message or change that
   * the state already carried is dropped.
   */
  holdUntil(client: Client, state: Promise<PageState>): Promise<void> {
    client.held = [];
    return state.then(({ html, newest, changes = null }) => {
      const held = client.held ?? [];
      client.held = null;
      if (html) this.write(client, html);
      if (newest !== null) client.newest = Math.max(client.newest ?? newest, newest);
      if (changes !== null) client.changes = Math.max(client.changes ?? changes, changes);
      for (const push of held) {
        const carried = push.messageId !== undefined && newest !== null && push.messageId <= newest;
        const seen = push.change !== undefined && changes !== null && push.change <= changes;
        if (!carried && !seen) this.write(client, push.html);
      }
    });
  }
}

/** What a push brings a page that it may have already: a new message, or a room's change. */
export interface Carries {
  messageId?: number;
  change?: number;
}

/**
 * A page's catch-up: what to send it first, the newest message that carries (null: none) and the
 * room's newest change it reflects (null or absent: no room).
 */
export interface PageState {
  html: string;
  newest: number | null;
  changes?: number | null;
}

/** A render cache for one push: viewers whose variant has the same key share one render. */
export function oncePerKey<K>(): (key: K, render: () => string) => string {
  const renders = new Map<K, string>();
  return (key, render) => {
    let html = renders.get(key);
    if (html === undefined) renders.set(key, (html = render()));
    return html;
  };
}
