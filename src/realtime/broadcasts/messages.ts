import type { DomainEvent } from "../../domain/events.js";
import { messageForDelivery, messagesForDelivery, type Delivery } from "../../domain/messages.js";
import type { Message } from "../../domain/sql/messages.js";
import { renderAnnouncement, renderAttachmentsPush, renderChangedMessage, renderMessageParts } from "../../render/message.js";
import { reactionVariants } from "../../render/reactions.js";
import { renderReceiptMove } from "../../render/receipts.js";
import { renderLivePush } from "../../render/timeline.js";
import type { Fanout } from "../fanout.js";
import { oncePerKey, type Push } from "../transport.js";
import type { Actor } from "../../domain/access.js";
import { loadUnreadRows, sendRowsAfterDeletion, sendRowsAfterMessage, type UnreadRows } from "./reading.js";
import { sendReceipt } from "./receipts.js";

/** Messages a delivery reads at once; a longer burst is read by the events that follow. */
const DELIVERY_BATCH = 50;
const REMEMBERED_DELIVERIES = 500;
const DELIVERY_MEMORY_MS = 60_000;

type MessageEvent = Extract<DomainEvent, { kind: "message.created" | "message.updated" }>;
type ChangeEvent = Extract<DomainEvent, { kind: "message.edited" | "message.deleted" | "reaction.changed" }>;

/** What each change swaps: an edit what the message says; a deletion all of it (its announcement too); a reaction its reactions. */
const changeRenders: Record<ChangeEvent["kind"], (message: Message, viewer?: Actor) => string> = {
  "message.edited": (message, viewer) => renderMessageParts(message, ["content"], viewer),
  "message.deleted": renderChangedMessage,
  "reaction.changed": (message, viewer) => renderMessageParts(message, ["reactions"], viewer),
};

/** New and changed messages, to the room's open pages, each room's in the order they committed. */
export class MessageBroadcasts {
  readonly #ctx: Fanout;
  /** The tail of each room's queue of deliveries (see #inRoomOrder). */
  readonly #roomDeliveries = new Map<number, Promise<void>>();
  /** Per room lately active: the newest message delivered and the ids delivered (#deliverNew). */
  readonly #delivered = new Map<number, { newest: number; ids: Set<number>; at: number }>();

  constructor(ctx: Fanout) {
    this.#ctx = ctx;
  }

  created(event: MessageEvent): Promise<void> {
    return this.#inRoomOrder(event.roomId, () => this.#deliverNew(event.roomId, event.messageId));
  }

  updated(event: MessageEvent): Promise<void> {
    return this.#inRoomOrder(event.roomId, () => this.#deliverUpdate(event.roomId, event.messageId));
  }

  /** A posted message changed: its parts that did are swapped on the room's pages, in room order. */
  changed(event: ChangeEvent): Promise<void> {
    return this.#inRoomOrder(event.roomId, () => this.#deliverChange(event));
  }

  /** A room quiet this long has no post whose news is still on its way: its record can go. */
  forgetQuiet(now = Date.now()): void {
    const quiet = now - DELIVERY_MEMORY_MS;
    for (const [roomId, room] of this.#delivered) if (room.at < quiet) this.#delivered.delete(roomId);
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
  async #deliverNew(roomId: number, messageId: number): Promise<void> {
    let room = this.#delivered.get(roomId);
    if (room?.ids.has(messageId)) return;
    const from = Math.min(room?.newest ?? this.#firstFrom(roomId, messageId), messageId - 1);
    const batch = await messagesForDelivery(this.#ctx.deps, roomId, from, DELIVERY_BATCH);
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
    const rows = await Promise.all(fresh.map((m) => loadUnreadRows(this.#ctx, m.room, [...m.members])));
    const followUps = fresh.map((message, i) => deliverMessage(this.#ctx, message, rows[i]!));
    void Promise.all(followUps).catch((err: unknown) => this.#ctx.log.error({ err, roomId }, "realtime delivery failed"));
  }

  /**
   * Where a room's first delivery in a while reads from: the newest message its pages have, so
   * that a message committed just before this one, whose news is still on its way, goes out first.
   * Never so far back that this message falls outside the batch (ids are unique, so fewer than a
   * batch of the room's messages lie between).
   */
  #firstFrom(roomId: number, messageId: number): number {
    let from = messageId - 1;
    for (const { newest } of this.#ctx.registry.inRoom(roomId)) if (newest !== null && newest < from) from = newest;
    return Math.max(from, messageId - DELIVERY_BATCH);
  }

  async #deliverChange({ kind, roomId, messageId, change }: ChangeEvent): Promise<void> {
    const watching = this.#ctx.registry.inRoom(roomId);
    // A deletion also changes unread counts, on pages of other rooms too.
    const recount = kind === "message.deleted";
    if (watching.size === 0 && !recount) return;
    // The message as it is now, which may be newer than this change: a page is never set back.
    const message = await messageForDelivery(this.#ctx.deps, roomId, messageId);
    if (!message) return;
    if (watching.size > 0) {
      const html = (viewer?: Actor) => changeRenders[kind](message, viewer);
      const push = kind === "reaction.changed" ? byReactions(message, html) : byViewer(message, html);
      this.#ctx.transport.send(watching, push, message.members, { change });
    }
    // Rows need not hold up the room's next delivery.
    if (recount)
      void sendRowsAfterDeletion(this.#ctx, message).catch((err: unknown) =>
        this.#ctx.log.error({ err, roomId }, "realtime delivery failed"),
      );
  }

  async #deliverUpdate(roomId: number, messageId: number): Promise<void> {
    const watching = this.#ctx.registry.inRoom(roomId);
    if (watching.size === 0) return;
    const message = await messageForDelivery(this.#ctx.deps, roomId, messageId);
    if (message)
      this.#ctx.transport.send(
        watching,
        byViewer(message, (viewer) => renderAttachmentsPush(message, viewer)),
        message.members,
      );
  }
}

/**
 * Writes a message to the room's sockets and, in the same turn, its sidebar `rows` to its members'
 * pages; resolves once a direct conversation's receipt, which takes a query, has followed.
 */
export async function deliverMessage(ctx: Fanout, message: Delivery, rows: UnreadRows): Promise<void> {
  const { roomId, id: messageId } = message;
  const authorId = message.author.id;
  // The author's pointer moved to their message with it: their receipt follows, for the others,
  // in the same frame as the message. In a direct conversation it sits at the other person's
  // newest message, which takes a query, so it follows on its own.
  // The others hear it announced; its author, who wrote it, does not.
  let forOthers = renderAnnouncement(message);
  let directReceipt: Promise<void> | undefined;
  if (message.author.sharesReceipts && message.room.kind === "direct") {
    directReceipt = sendReceipt(ctx, roomId, authorId);
  } else if (message.author.sharesReceipts) {
    const { displayName } = message.author;
    forOthers += renderReceiptMove({ userId: authorId, displayName, at: messageId, readAt: message.createdAt, direct: false });
  }
  // Membership as of the message's own query: a socket whose user has left gets nothing.
  const watching = ctx.registry.inRoom(roomId);
  if (watching.size > 0) {
    const live = (viewer?: Actor) => renderLivePush([message], message.previous, viewer);
    ctx.transport.send(watching, byViewer(message, live, forOthers), message.members, { messageId });
  }
  sendRowsAfterMessage(ctx, rows, authorId);
  await directReceipt;
}

/**
 * Whose render of a message a page gets: its author's, an administrator's (who may delete it), or
 * anyone else's; and, for the people it mentions, marked as mentioning them.
 */
type Role = "author" | "admin" | "other" | "admin mentioned" | "mentioned";

/**
 * A message's push, rendered once per role among the sockets it goes to (at most five renders);
 * `forOthers` goes to everyone but its author.
 */
export function byViewer(message: Message, html: (viewer?: Actor) => string, forOthers = ""): Push {
  const once = oncePerKey<Role>();
  const author: Actor = { id: message.author.id, isAdmin: false };
  const admin: Actor = { id: 0, isAdmin: true };
  const mentioned = new Set(message.mentions);
  return ({ userId, isAdmin }) => {
    if (userId === message.author.id) return once("author", () => html(author));
    // A mention's render differs from the others only by its mark, which any of them may stand for.
    if (mentioned.has(userId)) return once(isAdmin ? "admin mentioned" : "mentioned", () => html({ id: userId, isAdmin }) + forOthers);
    return once(isAdmin ? "admin" : "other", () => html(isAdmin ? admin : undefined) + forOthers);
  };
}

/**
 * A message's reactions, which differ by viewer only in those they reacted with: one render for
 * everyone who reacted with none of them, and one per variant among those who did (reactionVariants).
 */
function byReactions(message: Message, html: (viewer?: Actor) => string): Push {
  const once = oncePerKey<string>();
  const variants = reactionVariants(message.reactions);
  return ({ userId }) => {
    const key = variants.get(userId);
    return once(key ?? "", () => html(key === undefined ? undefined : { id: userId, isAdmin: false }));
  };
}
