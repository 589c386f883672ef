// Pages without sockets, for unit tests of who receives which push: each fake records what the
// transport wrote to it, and how it was closed, pinged or cut off.
import type { Logger } from "pino";
import { WebSocket } from "ws";
import type { Deps } from "../../src/domain/deps.js";
import type { PresenceState } from "../../src/domain/presence.js";
import type { Fanout } from "../../src/realtime/fanout.js";
import { Registry, type Client } from "../../src/realtime/registry.js";
import { Supersede } from "../../src/realtime/supersede.js";
import { Transport } from "../../src/realtime/transport.js";

export interface FakeClient extends Client {
  sent: string[];
  closedWith: Array<[number, string]>;
  pings: number;
  terminated: boolean;
  corks: number;
  uncorks: number;
}

export function fakeClient(
  userId: number,
  page: { roomId?: number; watchesPeople?: boolean; sessionId?: string; isAdmin?: boolean } = {},
): FakeClient {
  const fake = {
    userId,
    isAdmin: page.isAdmin ?? false,
    sessionId: page.sessionId ?? `session-${userId}`,
    roomId: page.roomId ?? null,
    room: null,
    watchesPeople: page.watchesPeople ?? false,
    after: null,
    newest: null,
    changes: null,
    alive: true,
    held: null,
    sent: [],
    closedWith: [],
    pings: 0,
    terminated: false,
    corks: 0,
    uncorks: 0,
  } as unknown as FakeClient;
  fake.ws = {
    readyState: WebSocket.OPEN,
    send: (html: string) => fake.sent.push(html),
    close: (code: number, reason: string) => fake.closedWith.push([code, reason]),
    ping: () => fake.pings++,
    terminate: () => (fake.terminated = true),
    on: () => fake.ws,
  } as unknown as WebSocket;
  fake.transport = { cork: () => fake.corks++, uncork: () => fake.uncorks++ } as unknown as Client["transport"];
  return fake;
}

const offline = (userId: number, lastSeenAt: Date | null): PresenceState => ({ userId, online: false, lastSeenAt });

/** A fan-out over `clients`, with no database: only what the presenters read of `deps` is there. */
export function fakeFanout(clients: Client[]): Fanout {
  const registry = new Registry();
  for (const client of clients) registry.add(client);
  const deps = { presence: { state: offline } } as unknown as Deps;
  const log = { error: () => {}, warn: () => {} } as unknown as Logger;
  return { deps, log, registry, transport: new Transport(), supersede: new Supersede() };
}

/** Lets the current turn of the event loop end (the transport uncorks then). */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
