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

  /** Sends one frame, or keeps it while the page is being brought up to date (see `holdUntil`). */
  write(client: Client, html: string): void {
    if (client.held) return void client.held.push(html);
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
   * Writes `push` to each of `clients`, or only to those whose user is in `audience`. A push per
   * variant should keep its renders (see `oncePerKey`): it is asked once per socket.
   */
  send(clients: Iterable<Client>, push: Push, audience?: ReadonlySet<number>): void {
    for (const client of clients) {
      if (!audience || audience.has(client.userId)) this.write(client, typeof push === "string" ? push : push(client));
    }
  }

  /**
   * Holds the page's pushes until `state` (what changed since it was rendered) has gone out first:
   * a page then sees every message once it has the state, in order.
   */
  holdUntil(client: Client, state: Promise<string>): Promise<void> {
    client.held = [];
    return state.then((first) => {
      const held = client.held ?? [];
      client.held = null;
      if (first) this.write(client, first);
      for (const html of held) this.write(client, html);
    });
  }
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
