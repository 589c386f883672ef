import type { Logger } from "pino";
import type { Deps } from "../domain/deps.js";
import type { DomainEvent } from "../domain/events.js";
import { MessageBroadcasts } from "./broadcasts/messages.js";
import { membershipEnded } from "./broadcasts/memberships.js";
import { mentionsRead } from "./broadcasts/mentions.js";
import { presenceChanged } from "./broadcasts/presence.js";
import { readMoved } from "./broadcasts/reading.js";
import { sessionEnded } from "./broadcasts/sessions.js";
import { typingChanged } from "./broadcasts/typing.js";
import type { Fanout } from "./fanout.js";
import { answersPings, pingSweep } from "./heartbeat.js";
import type { SignalLimits } from "./limits.js";
import { Registry, type Client } from "./registry.js";
import { renderPageState } from "./resync.js";
import { Signals } from "./signals.js";
import { Supersede } from "./supersede.js";
import { Transport } from "./transport.js";

type Handler<E extends DomainEvent> = (event: E) => Promise<void> | void;

/** Exactly one handler for each kind of event: a new kind does not typecheck until it has one. */
type Handlers = { [K in DomainEvent["kind"]]: Handler<Extract<DomainEvent, { kind: K }>> };

/**
 * The realtime side of one instance: registers the sockets its pages open, hands their signals
 * on, and turns each domain event into pushes through the broadcast for its kind (broadcasts/),
 * which renders once per variant and writes the same string to every socket that may see it.
 */
export class Hub {
  readonly #registry = new Registry();
  readonly #fanout: Fanout;
  readonly #signals: Signals;
  readonly #messages: MessageBroadcasts;
  readonly #handlers: Handlers;
  readonly #unsubscribe: Array<() => void>;

  constructor(deps: Deps, log: Logger, signalLimits: SignalLimits) {
    const fanout = { deps, log, registry: this.#registry, transport: new Transport(), supersede: new Supersede() };
    this.#fanout = fanout;
    this.#signals = new Signals(deps, log, signalLimits);
    const messages = (this.#messages = new MessageBroadcasts(fanout));
    this.#handlers = {
      "message.created": (event) => messages.created(event),
      "message.updated": (event) => messages.updated(event),
      "message.edited": (event) => messages.changed(event),
      "message.deleted": (event) => messages.changed(event),
      "reaction.changed": (event) => messages.changed(event),
      "membership.ended": (event) => membershipEnded(fanout, event),
      "presence.changed": (event) => presenceChanged(fanout, event),
      // Typing hears these itself, and tells (below) when what it heard changed a room's typists.
      "typing.changed": () => {},
      "read.moved": (event) => readMoved(fanout, event),
      "mentions.read": (event) => mentionsRead(fanout, event),
      "session.ended": (event) => sessionEnded(fanout, event),
    };
    const failed = (event: unknown) => (err: unknown) => log.error({ err, event }, "realtime delivery failed");
    this.#unsubscribe = [
      deps.events.subscribe((event) => void this.#handle(event).catch(failed(event))),
      // Changes this instance notices on its own, with no event: an instance died, a typist expired.
      deps.presence.onChanged((userId) => void presenceChanged(fanout, { kind: "presence.changed", userId }).catch(failed({ userId }))),
      deps.typing.onChanged((roomId) => void typingChanged(fanout, { roomId }).catch(failed({ roomId }))),
    ];
  }

  async #handle<E extends DomainEvent>(event: E): Promise<void> {
    // Each kind's handler takes that kind's event; TypeScript cannot follow the pairing through the index.
    await (this.#handlers[event.kind] as Handler<E>)(event);
  }

  add(client: Client): void {
    const { deps, log, registry } = this.#fanout;
    registry.add(client);
    client.ws.on("close", () => this.#remove(client));
    // A protocol error (an oversized or malformed frame) would otherwise be an unhandled 'error'
    // event, which ends the process. ws has already sent the close code and closes this socket.
    client.ws.on("error", (err) => log.warn({ err, userId: client.userId }, "websocket protocol error"));
    // ws hands a frame over as one Buffer (its default binaryType, "nodebuffer").
    client.ws.on("message", (data) => this.#signals.receive(client, (data as Buffer).toString()));
    answersPings(client);
    this.#signals.opened(client);
    deps.presence.connected(client.userId);
    // What changed since the page was rendered (or while its socket was away) goes first; pushes
    // that come meanwhile wait behind it.
    this.#bringUpToDate(client, client.after);
  }

  /**
   * Brings every page held here up to date, from the newest message each was sent: after this
   * process may have missed events (its event connection was lost), what it missed arrives once.
   */
  catchUpAll(): void {
    for (const client of this.#registry.all()) {
      // A page already being brought up to date gets everything up to now from that.
      if (client.held) continue;
      this.#bringUpToDate(client, client.after === null ? null : (client.newest ?? client.after));
    }
  }

  #bringUpToDate(client: Client, after: number | null): void {
    const { deps, log, transport } = this.#fanout;
    const state = renderPageState(deps, { ...client, after }).catch((err: unknown) => {
      log.error({ err }, "bringing a page up to date failed");
      return { html: "", newest: null };
    });
    void transport.holdUntil(client, state);
  }

  #remove(client: Client): void {
    this.#signals.closed(client);
    this.#fanout.registry.remove(client);
    if (client.roomId !== null) this.#fanout.deps.typing.stopped(client.roomId, client.userId);
    this.#fanout.deps.presence.disconnected(client.userId);
  }

  /** How many sockets `userId` has open here (the upgrade refuses more than a cap). */
  socketsOf(userId: number): number {
    return this.#registry.socketsOf(userId);
  }

  get size(): number {
    return this.#registry.size;
  }

  /** Pings every socket, dropping those that did not answer the last time (see heartbeat.ts). */
  sweep(): void {
    this.#messages.forgetQuiet();
    pingSweep([...this.#registry.all()]);
  }

  /** Closes every socket; 1012 ("service restart") makes the htmx extension reconnect. */
  closeAll(code: number, reason: string): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    for (const client of this.#registry.all()) client.ws.close(code, reason);
  }
}
