import type { Logger } from "pino";
import { WebSocket } from "ws";
import type { Deps } from "../domain/deps.js";
import type { DomainEvent } from "../domain/events.js";
import { messageForDelivery } from "../domain/messages.js";
import { memberIds } from "../domain/rooms.js";
import { outOfBand, renderMessage } from "../render/message.js";

/** One open room page. */
export interface Client {
  ws: WebSocket;
  userId: number;
  roomId: number;
  alive: boolean;
}

/**
 * Knows which sockets show which room, and turns domain events into HTML pushes:
 * each event is rendered once and the same string goes to every socket that may see it.
 */
export class Hub {
  readonly #byRoom = new Map<number, Set<Client>>();
  readonly #deps: Deps;
  readonly #log: Logger;
  readonly #unsubscribe: () => void;

  constructor(deps: Deps, log: Logger) {
    this.#deps = deps;
    this.#log = log;
    this.#unsubscribe = deps.events.subscribe((event) => {
      this.#handle(event).catch((err: unknown) => this.#log.error({ err, event }, "realtime delivery failed"));
    });
  }

  add(client: Client): void {
    let clients = this.#byRoom.get(client.roomId);
    if (!clients) this.#byRoom.set(client.roomId, (clients = new Set()));
    clients.add(client);
    client.ws.on("close", () => this.#remove(client));
    client.ws.on("pong", () => (client.alive = true));
  }

  get size(): number {
    let n = 0;
    for (const clients of this.#byRoom.values()) n += clients.size;
    return n;
  }

  /** Drops sockets that did not answer the last ping, and pings the rest. */
  sweep(): void {
    for (const client of this.#clients()) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  /** Closes every socket; 1012 ("service restart") makes the htmx extension reconnect. */
  closeAll(code: number, reason: string): void {
    this.#unsubscribe();
    for (const client of this.#clients()) client.ws.close(code, reason);
  }

  *#clients(): Generator<Client> {
    for (const clients of this.#byRoom.values()) yield* clients;
  }

  #remove(client: Client): void {
    const clients = this.#byRoom.get(client.roomId);
    clients?.delete(client);
    if (clients?.size === 0) this.#byRoom.delete(client.roomId);
  }

  async #handle(event: DomainEvent): Promise<void> {
    switch (event.kind) {
      case "message.created":
        return this.#deliverMessage(event.roomId, event.messageId);
      case "membership.ended":
        for (const client of this.#byRoom.get(event.roomId) ?? []) {
          if (client.userId === event.userId) client.ws.close(1000, "Left the room");
        }
        return;
    }
  }

  async #deliverMessage(roomId: number, messageId: number): Promise<void> {
    if (!this.#byRoom.get(roomId)?.size) return;
    const [message, members] = await Promise.all([
      messageForDelivery(this.#deps, roomId, messageId),
      memberIds(this.#deps, roomId),
    ]);
    if (!message) return;
    const html = outOfBand("beforeend", "#messages", renderMessage(message));
    // Membership is checked again at send time: a socket whose user has left gets nothing.
    for (const client of this.#byRoom.get(roomId) ?? []) {
      if (members.has(client.userId) && client.ws.readyState === WebSocket.OPEN) client.ws.send(html);
    }
  }
}
