import { and, asc, eq, gte, isNull, lt, notInArray, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { alias, type PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { memberships, messages, rooms, users } from "../db/schema.js";
import type { SidebarOrder } from "./accounts.js";
import { authorize, type Granted, type Room } from "./access.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import { queueClosePushes } from "./push-queue.js";
import { messageColumns, withDetails, type Message } from "./sql/messages.js";
import { roomColumns } from "./sql/rooms.js";
import {
  listed,
  mentionCount,
  mentionsOfMembership,
  unreadCount,
  unreadJoin,
  unreadOfMembership,
  urgentOfMembership,
} from "./sql/unread.js";

/**
 * Each membership's read pointer (`last_read_message_id`): what a member has read. Unread counts,
 * the "New messages" divider and (later) receipts all derive from it. It only ever moves forward,
 * except through an explicit "mark as unread".
 */

const messageInRoom = (messageId: number, roomId: number) =>
  sql`exists (select 1 from ${messages} where ${messages.id} = ${messageId} and ${messages.roomId} = ${roomId})`;

// Each pointer move joins the membership to itself as it was before the statement, to tell
// listeners whether the member had anything unread in the room until now (a sidebar sorted by
// activity reorders when that flips).
const before = alias(memberships, "before");
const sameMembership = and(eq(before.roomId, memberships.roomId), eq(before.userId, memberships.userId));
const moveResult = {
  roomId: memberships.roomId,
  hadUnread: sql<boolean>`exists (select 1 from ${messages} where ${messages.roomId} = ${before.roomId}
    and ${messages.id} > coalesce(${before.lastReadMessageId}, 0) and ${messages.authorId} <> ${before.userId}
    and ${messages.deletedAt} is null)`,
};

/**
 * Moves the user's pointers matching `where` (the user's own memberships only) and tells listeners
 * which rooms moved and whether each had anything unread before. Returns those rooms.
 */
async function movePointers(deps: Deps, userId: number, set: PgUpdateSetSource<typeof memberships>, ...where: SQL[]): Promise<Moved[]> {
  const moved = await deps.events.writeAndTell(
    deps.db,
    (db) =>
      db
        .update(memberships)
        .set(set)
        .from(before)
        .where(and(sameMembership, eq(memberships.userId, userId), ...where))
        .returning(moveResult),
    (rows) => rows.map(({ roomId, hadUnread }) => ({ kind: "read.moved" as const, roomId, userId, hadUnread })),
  );
  return moved;
}

interface Moved {
  roomId: number;
  hadUnread: boolean;
}

/**
 * Rooms read forward, where something was unread, are read on every device: their Web Push
 * notifications close (after the move: a close lost to a crash leaves a notification open, no more).
 */
async function closeNotifications(deps: Deps, userId: number, moved: Moved[]): Promise<void> {
  const read = moved.filter((row) => row.hadUnread).map((row) => row.roomId);
  if (read.length > 0 && (await queueClosePushes(deps.db, userId, read)) > 0) deps.pushes.queued();
}

/**
 * Moves the pointer forward to `messageId` if that message is in the room; returns whether it moved.
 * Only a member has a pointer, so the update itself is the membership check.
 */
export async function markRead(deps: Deps, userId: number, roomId: number, messageId: number): Promise<boolean> {
  const moved = await movePointers(
    deps,
    userId,
    { lastReadMessageId: messageId, lastReadAt: sql`now()` },
    eq(memberships.roomId, roomId),
    or(isNull(memberships.lastReadMessageId), lt(memberships.lastReadMessageId, messageId))!,
    messageInRoom(messageId, roomId),
  );
  await closeNotifications(deps, userId, moved);
  return moved.length > 0;
}

/** "Mark as unread from here": the pointer goes back to just before this message of the room. */
export async function markUnreadFrom(deps: Deps, userId: number, roomId: number, messageId: number): Promise<void> {
  await authorize(deps, userId, roomId, "read");
  const moved = await movePointers(
    deps,
    userId,
    { lastReadMessageId: messageId - 1 },
    eq(memberships.roomId, roomId),
    messageInRoom(messageId, roomId),
  );
  if (moved.length === 0) throw new NotFoundError("Message not found");
}

/** "Mark as read": the pointer goes to the room's newest message. */
export async function markRoomRead(deps: Deps, userId: number, roomId: number): Promise<void> {
  await authorize(deps, userId, roomId, "read");
  const [latest] = await deps.db
    .select({ id: sql<number | null>`max(${messages.id})` })
    .from(messages)
    .where(eq(messages.roomId, roomId));
  if (latest?.id) await markRead(deps, userId, roomId, Number(latest.id));
}

const latestOfMembershipRoom = sql<
  number | null
>`(select max(${messages.id}) from ${messages} where ${messages.roomId} = ${memberships.roomId})`;

/** "Mark all as read": every pointer to its room's newest message, one update; tells each room moved. */
export async function markAllRead(deps: Deps, userId: number): Promise<void> {
  const moved = await movePointers(
    deps,
    userId,
    { lastReadMessageId: latestOfMembershipRoom, lastReadAt: sql`now()` },
    sql`coalesce(${memberships.lastReadMessageId}, 0) < coalesce(${latestOfMembershipRoom}, 0)`,
  );
  await closeNotifications(deps, userId, moved);
}

export const UNREAD_PAGE_LIMIT = 500;

/** Everything unread for one person, grouped by room (by name), oldest first within each. */
export async function unreadMessages(deps: Deps, userId: number): Promise<Array<Message & { room: Room }>> {
  const rows = await deps.db
    .select({ ...messageColumns, room: roomColumns })
    .from(memberships)
    .innerJoin(messages, unreadJoin)
    .innerJoin(users, eq(users.id, messages.authorId))
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(sql`lower(${rooms.name})`), asc(rooms.id), asc(messages.id))
    .limit(UNREAD_PAGE_LIMIT);
  return withDetails(deps, rows);
}

export interface Receipt {
  userId: number;
  displayName: string;
  /**
   * Where the receipt sits: the newest message at or before the reader's pointer; in a direct
   * conversation, the newest of the other person's messages there (it is theirs to see).
   */
  at: number;
  /** When the reader's pointer last moved. */
  readAt: Date | null;
  /** In a direct conversation a receipt reads "Seen" with its time; elsewhere it is initials. */
  direct: boolean;
}

/**
 * Read receipts of a room: for each member who shares them and has read something, where their
 * receipt sits. One query; `onlyUserId` narrows it to one reader (for a live move).
 */
export async function receipts({ db }: Deps, roomId: number, onlyUserId?: number): Promise<Receipt[]> {
  const rows = await (onlyUserId === undefined
    ? receiptsInRoom(db).execute({ roomId })
    : receiptOfOne(db).execute({ roomId, userId: onlyUserId }));
  return rows.flatMap((r) => (r.at === null ? [] : [{ ...r, at: Number(r.at) }]));
}

// Every room page runs the first; every moved pointer the second.
const receiptsInRoom = prepared((db) => receiptsQuery(db, false).prepare("receipts_in_room"));
const receiptOfOne = prepared((db) => receiptsQuery(db, true).prepare("receipt_of_one"));

function receiptsQuery(db: Db, ofOne: boolean) {
  const roomId = sql.placeholder("roomId");
  const at = sql<number | null>`(select max(${messages.id}) from ${messages} where ${messages.roomId} = ${roomId}
    and ${messages.id} <= ${memberships.lastReadMessageId}
    and (${rooms.kind} <> 'direct' or ${messages.authorId} <> ${memberships.userId}))`;
  return db
    .select({
      userId: users.id,
      displayName: users.displayName,
      at,
      readAt: memberships.lastReadAt,
      direct: sql<boolean>`${rooms.kind} = 'direct'`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .where(
      and(
        eq(memberships.roomId, roomId),
        eq(users.shareReadReceipts, true),
        ofOne ? eq(memberships.userId, sql.placeholder("userId")) : undefined,
      ),
    );
}

/**
 * Who has read a message, for "Seen by …": members who share receipts, whose pointer has reached
 * it, other than its author and the viewer, by name.
 */
export async function seenBy({ db }: Deps, viewerId: number, room: Granted<"read">, messageId: number): Promise<string[] | null> {
  const [message] = await db
    .select({ authorId: messages.authorId })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.roomId, room.id)));
  if (!message) return null;
  const rows = await db
    .select({ displayName: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.roomId, room.id),
        gte(memberships.lastReadMessageId, messageId),
        eq(users.shareReadReceipts, true),
        notInArray(users.id, [viewerId, message.authorId]),
      ),
    )
    .orderBy(asc(sql`lower(${users.displayName})`), asc(users.id));
  return rows.map((r) => r.displayName);
}

/** Where the user's pointer is in a room they may read (null: nothing read yet). */
const pointerOf = prepared((db) =>
  db
    .select({ id: memberships.lastReadMessageId })
    .from(memberships)
    .where(and(eq(memberships.roomId, sql.placeholder("roomId")), eq(memberships.userId, sql.placeholder("userId"))))
    .prepare("read_pointer"),
);

export async function readPointer({ db }: Deps, userId: number, roomId: number): Promise<number | null> {
  const [row] = await pointerOf(db).execute({ roomId, userId });
  return row?.id ?? null;
}

/** What a page's title counts: unread messages, and of them the mentions and direct messages (see urgentOfMembership). */
export interface Totals {
  unread: number;
  urgent: number;
}

/** One person's unread state for a room, and their totals, as a push of their row needs them. */
export interface UnreadCounts {
  inRoom: number;
  mentionsInRoom: number;
  /** They hide the room: the sidebar lists it only while they have unread mentions there. */
  hiddenInRoom: boolean;
  totals: Totals;
  order: SidebarOrder;
}

/**
 * For several people at once: their unread count in one room, their total over all rooms, and how
 * they sort their sidebar.
 * One query, for fanning out a new message or a moved pointer.
 */
// Runs for every delivered message; the people come as one array, so that one statement serves any number.
const unreadCounts = prepared((db) =>
  unreadCountsQuery(db, sql.placeholder("roomId"), sql.placeholder("userIds")).prepare("unread_counts"),
);

/** The query behind `unreadFor`; exported for the test of its plan. */
export function unreadCountsQuery(db: Db, roomId: number | Placeholder, userIds: number[] | Placeholder) {
  return (
    db
      .select({
        userId: memberships.userId,
        inRoom: sql<number>`coalesce(sum(${unreadCount}) filter (where ${memberships.roomId} = ${roomId}), 0)`.mapWith(Number),
        mentionsInRoom: sql<number>`coalesce(sum(${mentionCount}) filter (where ${memberships.roomId} = ${roomId}), 0)`.mapWith(Number),
        hiddenInRoom: sql<boolean>`coalesce(bool_or(${memberships.notificationLevel} = 'hidden') filter (where ${memberships.roomId} = ${roomId}), false)`,
        total: sql<number>`coalesce(sum(${unreadCount}) filter (where ${listed}), 0)`.mapWith(Number),
        urgent: sql<number>`coalesce(sum(${urgentOfMembership(rooms.kind)}) filter (where ${listed}), 0)`.mapWith(Number),
        order: users.sidebarOrder,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(rooms, eq(rooms.id, memberships.roomId))
      .innerJoin(unreadOfMembership, sql`true`)
      .innerJoin(mentionsOfMembership, sql`true`)
      // An array as one parameter: drizzle spreads a bare array into a list.
      .where(sql`${memberships.userId} = any(${Array.isArray(userIds) ? sql.param(userIds) : userIds}::int[])`)
      .groupBy(memberships.userId, users.sidebarOrder)
  );
}

export async function unreadFor({ db }: Deps, roomId: number, userIds: number[]): Promise<Map<number, UnreadCounts>> {
  if (userIds.length === 0) return new Map();
  const rows = await unreadCounts(db).execute({ roomId, userIds });
  return new Map(
    rows.map((r) => [
      r.userId,
      {
        inRoom: r.inRoom,
        mentionsInRoom: r.mentionsInRoom,
        hiddenInRoom: r.hiddenInRoom === true,
        totals: { unread: r.total, urgent: r.urgent },
        order: r.order,
      },
    ]),
  );
}

/**
 * Which of `userIds` had a message of the room unread (their pointer before it, and not its author):
 * a deletion changes their counts and no one else's.
 */
export async function hadMessageUnread({ db }: Deps, roomId: number, messageId: number, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(messages, eq(messages.id, messageId))
    .where(
      and(
        eq(memberships.roomId, roomId),
        sql`${memberships.userId} = any(${sql.param(userIds)}::int[])`,
        sql`coalesce(${memberships.lastReadMessageId}, 0) < ${messageId}`,
        sql`${memberships.userId} <> ${messages.authorId}`,
      ),
    );
  return rows.map((r) => r.userId);
}
