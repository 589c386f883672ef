import type { Logger } from "pino";
import { WebSocket } from "ws";
import { z } from "zod";
import type { Deps } from "../domain/deps.js";
import { markRead } from "../domain/reading.js";
import { SignalLimiter, type SignalLimits } from "./limits.js";
import type { Client } from "./registry.js";
import { Visibility } from "./visibility.js";

const signalSchema = z.discriminatedUnion("signal", [
  z.object({ signal: z.literal("typing") }),
  z.object({ signal: z.literal("read"), messageId: z.coerce.number().int().positive() }),
  z.object({ signal: z.literal("visibility"), visible: z.boolean() }),
]);

/**
 * Small signals from a page: "typing", "read up to message N" and whether it is visible (on any
 * page, not only a room's: see visibility.ts). Anything malformed is ignored
 * (they are fine to lose), and so is a flood, within the limits of limits.ts.
 */
export class Signals {
  readonly #deps: Deps;
  readonly #log: Logger;
  readonly #limiter: SignalLimiter<Client>;
  readonly #visibility: Visibility;

  constructor(deps: Deps, log: Logger, limits: SignalLimits) {
    this.#deps = deps;
    this.#log = log;
    this.#limiter = new SignalLimiter(limits);
    this.#visibility = new Visibility(deps, log);
  }

  opened(client: Client): void {
    this.#limiter.opened(client);
  }

  closed(client: Client): void {
    this.#limiter.closed(client);
    this.#visibility.closed(client);
  }

  receive(client: Client, raw: string): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    const admission = this.#limiter.admit(client);
    if (admission === "flood") {
      this.#log.warn({ userId: client.userId }, "websocket closed for flooding signals");
      return client.ws.close(1008, "Too many signals");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const signal = signalSchema.safeParse(parsed);
    if (!signal.success) return;
    // A dropped one is repeated: the page says it every 30 s while visible, and on every change.
    if (signal.data.signal === "visibility") {
      if (admission === "admit") this.#visibility.signal(client, signal.data.visible);
      return;
    }
    if (client.roomId === null) return;
    // The socket was authorized for this room at upgrade and is closed when its user leaves.
    const { roomId } = client;
    if (signal.data.signal === "typing") {
      if (admission === "admit") this.#deps.typing.signal(roomId, client.userId);
      return;
    }
    const read = (messageId: number): void => {
      markRead(this.#deps, client.userId, roomId, messageId).catch((err: unknown) => this.#log.error({ err }, "read signal failed"));
    };
    if (admission === "admit") read(signal.data.messageId);
    else this.#limiter.deferRead(client, signal.data.messageId, read);
  }
}
