import type { DomainEvent } from "../../domain/events.js";
import type { Delivery } from "../../domain/messages.js";
import { hadMessageUnread, unreadFor, type Totals, type UnreadCounts } from "../../domain/reading.js";
import type { Room } from "../../domain/access.js";
import { roomForDelivery, roomsOf } from "../../domain/rooms.js";
import { presentRoom } from "../../render/rooms.js";
import { renderRoomListPush, renderUnreadPush } from "../../render/unread.js";
import type { Fanout } from "../fanout.js";
import { oncePerKey } from "../transport.js";
import { sendReceipt } from "./receipts.js";

/**
 * A room's unread counts for the people who have a page open here, loaded and waiting to be sent.
 * Each person's row is a push of current state: `fresh` says whether it is still the newest.
 */
export interface UnreadRows {
  room: Room;
  counts: Map<number, UnreadCounts>;
  fresh: Map<number, () => boolean>;
}

/**
 * Loads the room's unread counts for those of `userIds` online here, in one query. Loading apart
 * from sending lets a new message's rows go out in the same turn as the message (one write each).
 */
export async function loadUnreadRows(ctx: Fanout, room: Room, userIds: number[]): Promise<UnreadRows> {
  const online = userIds.filter((id) => ctx.registry.isOnline(id));
  if (online.length === 0) return { room, counts: new Map(), fresh: new Map() };
  const fresh = new Map(online.map((id) => [id, ctx.supersede.start(`unread:${room.id}:${id}`)]));
  return { room, counts: await unreadFor(ctx.deps, room.id, online), fresh };
}

function* stillFresh(rows: UnreadRows): Generator<[number, UnreadCounts]> {
  for (const entry of rows.counts) if (rows.fresh.get(entry[0])?.()) yield entry;
}

/**
 * After a new message by `authorId`: the room's row and unread total on its members' pages. The
 * room moves to the top of others' activity-sorted sidebars. One render per distinct row.
 */
export function sendRowsAfterMessage(ctx: Fanout, rows: UnreadRows, authorId: number): void {
  const renders = oncePerKey<string>();
  const resorted: Promise<void>[] = [];
  for (const [userId, counts] of stillFresh(rows)) {
    const toTop = authorId !== userId && counts.order === "activity" && counts.inRoom > 0;
    // A room they hide is not on their pages (nor in their totals) until it holds a mention of them.
    if (!counts.hiddenInRoom) sendRow(ctx, rows.room, userId, counts, toTop, renders);
    else if (counts.mentionsInRoom > 0) resorted.push(sendSection(ctx, userId, rows.room.kind === "room", counts.totals));
  }
  void Promise.all(resorted).catch((err: unknown) => ctx.log.error({ err, roomId: rows.room.id }, "realtime delivery failed"));
}

/**
 * After a reader's pointer moved: their row and unread total, in place; or, when the room became
 * read or unread, its place in an activity-sorted section changes, so that section is sent again in order.
 */
export async function sendRowsAfterRead(ctx: Fanout, rows: UnreadRows, hadUnread: boolean): Promise<void> {
  const renders = oncePerKey<string>();
  const resorted: Promise<void>[] = [];
  for (const [userId, counts] of stillFresh(rows)) {
    // A hidden room comes and goes from the sidebar with its unread mentions.
    if ((counts.order === "activity" && hadUnread !== counts.inRoom > 0) || counts.hiddenInRoom) {
      resorted.push(sendSection(ctx, userId, rows.room.kind === "room", counts.totals));
    } else {
      sendRow(ctx, rows.room, userId, counts, false, renders);
    }
  }
  await Promise.all(resorted);
}

/**
 * After a message was deleted: the rows of those who had it unread (one query for them all), who
 * now have one fewer; a room left with nothing unread moves in an activity-sorted section.
 */
export async function sendRowsAfterDeletion(ctx: Fanout, message: Delivery): Promise<void> {
  const online = [...message.members].filter((id) => ctx.registry.isOnline(id));
  const counted = await hadMessageUnread(ctx.deps, message.roomId, message.id, online);
  if (counted.length) await sendRowsAfterRead(ctx, await loadUnreadRows(ctx, message.room, counted), true);
}

/** The room's sidebar row and the unread total, on each of `userId`'s pages. */
function sendRow(
  ctx: Fanout,
  room: Room,
  userId: number,
  counts: UnreadCounts,
  toTop: boolean,
  renders: (key: string, render: () => string) => string,
): void {
  // A room's row reads the same for everyone; a conversation's is titled by the others in it.
  const viewer = room.kind === "room" ? "" : userId;
  ctx.transport.send(ctx.registry.ofUser(userId), (client) => {
    const current = client.roomId === room.id;
    const { unread, urgent } = counts.totals;
    return renders(`${viewer}:${counts.inRoom}:${counts.mentionsInRoom}:${unread}:${urgent}:${current}:${toTop}`, () => {
      const row = presentRoom({ ...room, unread: counts.inRoom, mentions: counts.mentionsInRoom }, userId, ctx.deps.presence);
      return renderUnreadPush(row, current, counts.totals, toTop);
    });
  });
}

/** One person's rooms or conversations section, re-sorted, on each of their pages. */
async function sendSection(ctx: Fanout, userId: number, rooms: boolean, totals: Totals): Promise<void> {
  const fresh = ctx.supersede.start(`section:${rooms}:${userId}`);
  const mine = await roomsOf(ctx.deps, userId, "activity");
  if (!fresh()) return;
  const section = mine.filter((room) => (room.kind === "room") === rooms).map((room) => presentRoom(room, userId, ctx.deps.presence));
  const renders = oncePerKey<number | null>();
  const kind = rooms ? "room" : "conversation";
  ctx.transport.send(ctx.registry.ofUser(userId), ({ roomId }) => renders(roomId, () => renderRoomListPush(section, kind, roomId, totals)));
}

/** A reader's pointer moved: their receipt for the room's other pages, their row for their own. */
export async function readMoved(ctx: Fanout, event: Extract<DomainEvent, { kind: "read.moved" }>): Promise<void> {
  const [room] = await Promise.all([roomForDelivery(ctx.deps, event.roomId), sendReceipt(ctx, event.roomId, event.userId)]);
  if (!room) return;
  await sendRowsAfterRead(ctx, await loadUnreadRows(ctx, room, [event.userId]), event.hadUnread);
}
