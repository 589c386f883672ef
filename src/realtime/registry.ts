import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Granted } from "../domain/access.js";

/** A push waiting for the page's catch-up; `messageId` when it carries a new message, `change` a room's change. */
export interface Held {
  html: string;
  messageId?: number;
  change?: number;
}

/** One open page of a logged-in person; `roomId` is set on a room page. */
export interface Client {
  ws: WebSocket;
  /** The connection under `ws`, corked while a turn of the event loop writes to it. */
  transport: Duplex;
  userId: number;
  /** Whether they were an administrator when the socket opened (they see "Delete" on every message). */
  isAdmin: boolean;
  /** The session the socket was opened with, so that ending it ends the socket. */
  sessionId: string;
  roomId: number | null;
  /** That room as it was when the socket was authorized for it. */
  room: Granted<"read"> | null;
  /** The People page, which shows everyone's presence. */
  watchesPeople: boolean;
  /** On a room page at its newest end, the newest message it showed when it connected. */
  after: number | null;
  /**
   * The newest message this page has been given, live or in its catch-up (`after` at first): a
   * live message at or below it is one the page has, and is not sent again.
   */
  newest: number | null;
  /** On a room page, the room's newest change (an edit, a deletion, a reaction) this page has seen. */
  changes: number | null;
  alive: boolean;
  /** Pushes held back while the page is brought up to date, so that they arrive after it, in order. */
  held: Held[] | null;
}

const none: ReadonlySet<Client> = new Set();

function addTo<K>(map: Map<K, Set<Client>>, key: K, client: Client): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(client);
}

function removeFrom<K>(map: Map<K, Set<Client>>, key: K, client: Client): void {
  const set = map.get(key);
  set?.delete(client);
  if (set?.size === 0) map.delete(key);
}

/** Which sockets are open here: each person's, each room page's, and the People pages. */
export class Registry {
  readonly #byRoom = new Map<number, Set<Client>>();
  readonly #byUser = new Map<number, Set<Client>>();
  readonly #peopleWatchers = new Set<Client>();

  add(client: Client): void {
    addTo(this.#byUser, client.userId, client);
    if (client.roomId !== null) addTo(this.#byRoom, client.roomId, client);
    if (client.watchesPeople) this.#peopleWatchers.add(client);
  }

  remove(client: Client): void {
    removeFrom(this.#byUser, client.userId, client);
    this.#peopleWatchers.delete(client);
    if (client.roomId !== null) removeFrom(this.#byRoom, client.roomId, client);
  }

  /** The room's open pages (the live set: it changes as sockets come and go). */
  inRoom(roomId: number): ReadonlySet<Client> {
    return this.#byRoom.get(roomId) ?? none;
  }

  /** Every page `userId` has open here. */
  ofUser(userId: number): ReadonlySet<Client> {
    return this.#byUser.get(userId) ?? none;
  }

  isOnline(userId: number): boolean {
    return this.#byUser.has(userId);
  }

  get peopleWatchers(): ReadonlySet<Client> {
    return this.#peopleWatchers;
  }

  /** How many sockets `userId` has open here (the upgrade refuses more than a cap). */
  socketsOf(userId: number): number {
    return this.ofUser(userId).size;
  }

  get size(): number {
    let n = 0;
    for (const clients of this.#byUser.values()) n += clients.size;
    return n;
  }

  *all(): Generator<Client> {
    for (const clients of this.#byUser.values()) yield* clients;
  }
}
