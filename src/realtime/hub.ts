import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocket } from "ws";
import { z } from "zod";
import { displayNames } from "../domain/accounts.js";
import type { Granted, Room } from "../domain/access.js";
import type { Deps } from "../domain/deps.js";
import type { DomainEvent } from "../domain/events.js";
import { messageForDelivery, messagesForDelivery, type Delivery } from "../domain/messages.js";
import { markRead, receipts, unreadFor } from "../domain/reading.js";
import { memberIds, roomForDelivery, roomsOf } from "../domain/rooms.js";
import type { Message } from "../domain/sql/messages.js";
import { differsForAuthor, outOfBand, renderAttachmentsPush } from "../render/message.js";
import { renderLive } from "../render/timeline.js";
import { renderPresencePush } from "../render/presence.js";
import { renderReceiptMove } from "../render/receipts.js";
import { presentRoom } from "../render/rooms.js";
import { renderRoomListPush, renderUnreadPush } from "../render/unread.js";
import { renderPageState } from "./resync.js";
import { SignalLimiter, type SignalLimits } from "./limits.js";
import { Supersede } from "./supersede.js";
import { renderTypingPush, typingText } from "../render/typing.js";

const signalSchema = z.discriminatedUnion("signal", [
  z.object({ signal: z.literal("typing") }),
  z.object({ signal: z.literal("read"), messageId: z.coerce.number().int().positive() }),
]);

/** One open page of a logged-in person; `roomId` is set on a room page. */
export interface Client {
  ws: WebSocket;
  /** The connection under `ws`, corked while a turn of the event loop writes to it. */
  transport: Duplex;
  userId: number;
  /** The session the socket was opened with, so that ending it ends the socket. */
  sessionId: string;
  roomId: number | null;
  /** That room as it was when the socket was authorized for it. */
  room: Granted<"read"> | null;
  /** The People page, which shows everyone's presence. */
  watchesPeople: boolean;
  /** On a room page at its newest end, the newest message it showed when it connected. */
  after: number | null;
  alive: boolean;
  /** Pushes held back while the page is brought up to date, so that they arrive after it, in order. */
  held: string[] | null;
}

const SWEEP_SLICE = 500;
/** Messages a delivery reads at once; a longer burst is read by the events that follow. */
const DELIVERY_BATCH = 50;
const REMEMBERED_DELIVERIES = 500;
const DELIVERY_MEMORY_MS = 60_000;

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

/**
 * Knows which sockets belong to whom and show which room, and turns domain events into HTML
 * pushes: each event is rendered once and the same string goes to every socket that may see it.
 */
export class Hub {
  readonly #byRoom = new Map<number, Set<Client>>();
  readonly #byUser = new Map<number, Set<Client>>();
  readonly #peopleWatchers = new Set<Client>();
  readonly #deps: Deps;
  readonly #log: Logger;
  readonly #unsubscribe: () => void;
  readonly #supersede = new Supersede();
  readonly #corked = new Set<Duplex>();
  /** The tail of each room's queue of deliveries (see #inRoomOrder). */
  readonly #roomDeliveries = new Map<number, Promise<void>>();
  /** Per room lately active: the newest message delivered and the ids delivered (#deliverNewMessages). */
  readonly #delivered = new Map<number, { newest: number; ids: Set<number>; at: number }>();
  readonly #signals: SignalLimiter<Client>;

  constructor(deps: Deps, log: Logger, signalLimits: SignalLimits) {
    this.#deps = deps;
    this.#log = log;
    this.#signals = new SignalLimiter(signalLimits);
    this.#unsubscribe = deps.events.subscribe((event) => {
      this.#handle(event).catch((err: unknown) => this.#log.error({ err, event }, "realtime delivery failed"));
    });
  }

  add(client: Client): void {
    addTo(this.#byUser, client.userId, client);
    if (client.roomId !== null) addTo(this.#byRoom, client.roomId, client);
    if (client.watchesPeople) this.#peopleWatchers.add(client);
    client.ws.on("close", () => this.#remove(client));
    // A protocol error (an oversized or malformed frame) would otherwise be an unhandled 'error'
    // event, which ends the process. ws has already sent the close code and closes this socket.
    client.ws.on("error", (err) => this.#log.warn({ err, userId: client.userId }, "websocket protocol error"));
    // ws hands a frame over as one Buffer (its default binaryType, "nodebuffer").
    client.ws.on("message", (data) => this.#onSignal(client, (data as Buffer).toString()));
    client.ws.on("pong", () => (client.alive = true));
    this.#signals.opened(client);
    this.#deps.presence.connected(client.userId);
    this.#bringUpToDate(client);
  }

  /**
   * Sends a page what changed since it was rendered (or while its socket was away). Pushes that
   * come meanwhile wait behind it: a page then sees every message once it has the state, in order.
   */
  #bringUpToDate(client: Client): void {
    client.held = [];
    const release = (state: string) => {
      const held = client.held ?? [];
      client.held = null;
      if (state) this.#write(client, state);
      for (const html of held) this.#write(client, html);
    };
    renderPageState(this.#deps, client).then(release, (err: unknown) => {
      this.#log.error({ err }, "bringing a page up to date failed");
      release("");
    });
  }

  /** How many sockets `userId` has open here (the upgrade refuses more than a cap). */
  socketsOf(userId: number): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  get size(): number {
    let n = 0;
    for (const clients of this.#byUser.values()) n += clients.size;
    return n;
  }

  /**
   * Drops sockets that did not answer the last ping, and pings the rest, a slice per turn of the
   * event loop: a ping costs the server some 20 µs, so 50,000 at once would hold up every message
   * for a second.
   */
  sweep(): void {
    // A room quiet this long has no post whose news is still on its way: its record can go.
    const quiet = Date.now() - DELIVERY_MEMORY_MS;
    for (const [roomId, room] of this.#delivered) if (room.at < quiet) this.#delivered.delete(roomId);
    const clients = [...this.#clients()];
    const slice = (from: number): void => {
      for (const client of clients.slice(from, from + SWEEP_SLICE)) {
        if (!client.alive) {
          client.ws.terminate();
          continue;
        }
        client.alive = false;
        client.ws.ping();
      }
      if (from + SWEEP_SLICE < clients.length) setImmediate(slice, from + SWEEP_SLICE);
    };
    slice(0);
  }

  /** Closes every socket; 1012 ("service restart") makes the htmx extension reconnect. */
  closeAll(code: number, reason: string): void {
    this.#unsubscribe();
    for (const client of this.#clients()) client.ws.close(code, reason);
  }

  *#clients(): Generator<Client> {
    for (const clients of this.#byUser.values()) yield* clients;
  }

  #remove(client: Client): void {
    this.#signals.closed(client);
    removeFrom(this.#byUser, client.userId, client);
    this.#peopleWatchers.delete(client);
    if (client.roomId !== null) {
      removeFrom(this.#byRoom, client.roomId, client);
      this.#deps.typing.stopped(client.roomId, client.userId);
    }
    this.#deps.presence.disconnected(client.userId);
  }

  /** Small signals from a page; anything malformed is ignored (they are fine to lose), and so is a flood. */
  #onSignal(client: Client, raw: string): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    const admission = this.#signals.admit(client);
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
    if (!signal.success || client.roomId === null) return;
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
    else this.#signals.deferRead(client, signal.data.messageId, read);
  }

  /**
   * Sends one frame. Everything one turn of the event loop sends to a socket leaves in one write:
   * the connection stays corked until the turn ends, so a message and the sidebar row that comes
   * with it cost each member one system call, not two.
   */
  #write(client: Client, html: string): void {
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
   * Writes to each open socket in `clients` whose user is in `audience`: one string for all, or
   * one per variant when `html` is a function of the viewer (it should cache its renders).
   */
  #send(clients: Iterable<Client>, audience: Set<number>, html: string | ((userId: number) => string)): void {
    for (const client of clients) {
      if (audience.has(client.userId)) this.#write(client, typeof html === "string" ? html : html(client.userId));
    }
  }

  async #handle(event: DomainEvent): Promise<void> {
    switch (event.kind) {
      case "message.created":
        return this.#inRoomOrder(event.roomId, () => this.#deliverNewMessages(event.roomId, event.messageId));
      case "message.updated":
        return this.#inRoomOrder(event.roomId, () => this.#deliverUpdate(event.roomId, event.messageId));
      case "membership.ended":
        for (const client of this.#byRoom.get(event.roomId) ?? []) {
          if (client.userId === event.userId) client.ws.close(1000, "Left the room");
        }
        return;
      case "session.ended":
        for (const client of this.#byUser.get(event.userId) ?? []) {
          if (client.sessionId === event.sessionId) client.ws.close(1008, "Logged out");
        }
        return;
      case "presence.changed":
        return this.#deliverPresence(event.userId);
      case "typing.changed":
        return this.#deliverTyping(event.roomId);
      case "read.moved": {
        const [room] = await Promise.all([roomForDelivery(this.#deps, event.roomId), this.#deliverReceipt(event.roomId, event.userId)]);
        if (room) await (await this.#unreadRows(room, [event.userId], null, event.hadUnread))();
        return;
      }
    }
  }

  /**
   * Runs a room's deliveries one after another, in the order their events came. Messages commit in
   * id order within a room (see postMessage), so every socket receives them in id order and a page
   * that has message N has all before it: catching up "after N" leaves no gap.
   */
  #inRoomOrder(roomId: number, deliver: () => Promise<void>): Promise<void> {
    const delivered = (this.#roomDeliveries.get(roomId) ?? Promise.resolve()).then(deliver);
    const settled = delivered.catch(() => {});
    this.#roomDeliveries.set(roomId, settled);
    void settled.then(() => {
      if (this.#roomDeliveries.get(roomId) === settled) this.#roomDeliveries.delete(roomId);
    });
    return delivered;
  }

  /**
   * Delivers what the room has committed since its last delivery, oldest first, rather than only
   * the event's message: two posts can be told in the other order than they committed (their
   * answers race back from the database), and reading by id puts them in order. A message that went
   * out with an earlier batch is not sent again.
   */
  async #deliverNewMessages(roomId: number, messageId: number): Promise<void> {
    let room = this.#delivered.get(roomId);
    if (room?.ids.has(messageId)) return;
    const from = Math.min(room?.newest ?? messageId - 1, messageId - 1);
    const batch = await messagesForDelivery(this.#deps, roomId, from, DELIVERY_BATCH);
    if (!room) this.#delivered.set(roomId, (room = { newest: from, ids: new Set(), at: 0 }));
    room.at = Date.now();
    const fresh = batch.filter((message) => !room.ids.has(message.id));
    for (const { id } of fresh) {
      room.ids.add(id);
      if (room.ids.size > REMEMBERED_DELIVERIES) room.ids.delete(room.ids.values().next().value!);
      room.newest = Math.max(room.newest, id);
    }
    // The batch's unread counts load at once; then its messages go out in order, in one turn. What
    // follows them (re-sorted sections, a direct receipt) need not hold up the room's next batch.
    const rows = await Promise.all(fresh.map((m) => this.#unreadRows(m.room, [...m.members], m.author.id)));
    const followUps = fresh.map((message, i) => this.#deliverMessage(message, rows[i]!));
    void Promise.all(followUps).catch((err: unknown) => this.#log.error({ err, roomId }, "realtime delivery failed"));
  }

  /** Writes a message to the room's sockets and its sidebar rows (`sendRows`) to its members' pages. */
  async #deliverMessage(message: Delivery, sendRows: () => Promise<void>): Promise<void> {
    const { roomId, id: messageId } = message;
    const authorId = message.author.id;
    // The author's pointer moved to their message with it: their receipt follows, for the others,
    // in the same frame as the message. In a direct conversation it sits at the other person's
    // newest message, which takes a query, so it follows on its own.
    let receipt = "";
    let directReceipt: Promise<void> | undefined;
    if (message.author.sharesReceipts && message.room.kind === "direct") {
      directReceipt = this.#deliverReceipt(roomId, authorId);
    } else if (message.author.sharesReceipts) {
      const { displayName } = message.author;
      receipt = renderReceiptMove({ userId: authorId, displayName, at: messageId, readAt: message.createdAt, direct: false });
    }
    // Membership as of the message's own query: a socket whose user has left gets nothing.
    const watching = this.#byRoom.get(roomId);
    if (watching?.size) {
      const live = (viewerId?: number) => outOfBand("beforeend", "#messages", renderLive([message], message.previous, viewerId));
      this.#send(watching, message.members, this.#forAuthor(message, live, receipt));
    }
    await Promise.all([directReceipt, sendRows()]);
  }

  /**
   * One render for everyone, or, when the message reads differently to its author (or carries
   * something only the others get, `forOthers`), one for them and one for everyone else.
   */
  #forAuthor(message: Message, html: (viewerId?: number) => string, forOthers = ""): string | ((userId: number) => string) {
    const forAll = html() + forOthers;
    if (!differsForAuthor(message) && forOthers === "") return forAll;
    const forAuthor = html(differsForAuthor(message) ? message.author.id : undefined);
    return (userId) => (userId === message.author.id ? forAuthor : forAll);
  }

  async #deliverUpdate(roomId: number, messageId: number): Promise<void> {
    const watching = this.#byRoom.get(roomId);
    if (!watching?.size) return;
    const message = await messageForDelivery(this.#deps, roomId, messageId);
    if (message) this.#send(watching, message.members, this.#forAuthor(message, (viewerId) => renderAttachmentsPush(message, viewerId)));
  }

  /**
   * The room's sidebar row and the unread total, for each of `userIds` on every page they have open.
   * One query for all their counts; one render per distinct variant. After a new message (from
   * `authorId`), the room moves to the top of others' activity-sorted sidebars. Resolves once the
   * counts are in, with the sending, so that it can go out in the same turn as the message.
   */
  async #unreadRows(room: Room, userIds: number[], authorId: number | null, hadUnread?: boolean): Promise<() => Promise<void>> {
    const online = userIds.filter((id) => this.#byUser.has(id));
    if (online.length === 0) return async () => {};
    const ready = new Map(online.map((id) => [id, this.#supersede.start(`unread:${room.id}:${id}`)]));
    const unread = await unreadFor(this.#deps, room.id, online);
    return async () => {
      const renders = new Map<string, string>();
      const resorted: Promise<void>[] = [];
      for (const [userId, counts] of unread) {
        if (!ready.get(userId)?.()) continue;
        // A reader's pointer moved and the room became read or unread: its place in an activity-sorted
        // section changes, so that section is sent again in order.
        if (hadUnread !== undefined && counts.order === "activity" && hadUnread !== counts.inRoom > 0) {
          resorted.push(this.#deliverSection(userId, room.kind === "room", counts.total));
          continue;
        }
        for (const client of this.#byUser.get(userId) ?? []) {
          const current = client.roomId === room.id;
          const toTop = authorId !== null && authorId !== userId && counts.order === "activity" && counts.inRoom > 0;
          // A room's row reads the same for everyone; a conversation's is titled by the others in it.
          const viewer = room.kind === "room" ? "" : userId;
          const key = `${viewer}:${counts.inRoom}:${counts.total}:${current}:${toTop}`;
          let html = renders.get(key);
          if (html === undefined) {
            const row = presentRoom({ ...room, unread: counts.inRoom }, userId, this.#deps.presence);
            html = renderUnreadPush(row, current, counts.total, toTop);
            renders.set(key, html);
          }
          this.#write(client, html);
        }
      }
      await Promise.all(resorted);
    };
  }

  /** One person's rooms or conversations section, re-sorted, on each of their pages. */
  async #deliverSection(userId: number, rooms: boolean, total: number): Promise<void> {
    const ready = this.#supersede.start(`section:${rooms}:${userId}`);
    const mine = await roomsOf(this.#deps, userId, "activity");
    if (!ready()) return;
    const section = mine
      .filter((room) => (room.kind === "room") === rooms)
      .map((room) => presentRoom(room, userId, this.#deps.presence));
    const renders = new Map<number | null, string>();
    for (const client of this.#byUser.get(userId) ?? []) {
      let html = renders.get(client.roomId);
      if (html === undefined) renders.set(client.roomId, (html = renderRoomListPush(section, client.roomId, total)));
      this.#write(client, html);
    }
  }

  /** A reader's receipt moves on every open page of the room but their own, if they share receipts. */
  async #deliverReceipt(roomId: number, userId: number): Promise<void> {
    if (!this.#byRoom.get(roomId)?.size) return;
    const ready = this.#supersede.start(`receipt:${roomId}:${userId}`);
    const [[receipt], members] = await Promise.all([receipts(this.#deps, roomId, userId), memberIds(this.#deps, roomId)]);
    if (!receipt || !ready()) return;
    members.delete(userId);
    this.#send(this.#byRoom.get(roomId) ?? [], members, renderReceiptMove(receipt));
  }

  /** One render for everyone who is not typing, and one for each typist (who never sees their own name). */
  async #deliverTyping(roomId: number): Promise<void> {
    if (!this.#byRoom.get(roomId)?.size) return;
    const ready = this.#supersede.start(`typing:${roomId}`);
    const typists = this.#deps.typing.typists(roomId);
    const [names, members] = await Promise.all([displayNames(this.#deps, typists), memberIds(this.#deps, roomId)]);
    if (!ready()) return;
    const variants = new Map<number | null, string>();
    const htmlFor = (viewer: number) => {
      const key = typists.includes(viewer) ? viewer : null;
      let html = variants.get(key);
      if (html === undefined) variants.set(key, (html = renderTypingPush(typingText(viewer, typists, names))));
      return html;
    };
    this.#send(this.#byRoom.get(roomId) ?? [], members, htmlFor);
  }

  async #deliverPresence(userId: number): Promise<void> {
    const ready = this.#supersede.start(`presence:${userId}`);
    const [state, audience] = await Promise.all([
      this.#deps.presence.stateOf(userId),
      this.#deps.presence.audienceOf(userId),
    ]);
    if (!state || !ready()) return;
    const html = renderPresencePush(state);
    const sockets = new Set(this.#peopleWatchers);
    for (const viewer of audience) for (const client of this.#byUser.get(viewer) ?? []) sockets.add(client);
    this.#send(sockets, new Set([...sockets].map((c) => c.userId)), html);
  }
}
