import { and, eq, gt, isNull, ne, sql, type AnyColumn } from "drizzle-orm";
import { memberships, messageMentions, messages } from "../../db/schema.js";

/**
 * What "unread" means, in SQL: the messages after a membership's read pointer
 * (`last_read_message_id`) that someone else wrote and nobody deleted. Rooms, reading and accounts
 * all build on it.
 */

/** The newest message of a room, as a subquery: where a new member's pointer starts. */
export const latestMessageOf = (roomId: number) =>
  sql<number | null>`(select max(${messages.id}) from ${messages} where ${messages.roomId} = ${roomId})`;

/** Joins each membership row to its unread messages (the Unread page lists them). */
export const unreadJoin = and(
  eq(messages.roomId, memberships.roomId),
  gt(messages.id, sql`coalesce(${memberships.lastReadMessageId}, 0)`),
  ne(messages.authorId, memberships.userId),
  isNull(messages.deletedAt),
);

// Joined to each membership row of a query: its unread count as `unread.n`. A lateral count is one
// range scan of messages_room_id_idx per membership; as a join of messages, PostgreSQL could not
// estimate the pointer's range and chose a full scan of the table (300 ms at 1,000,000 messages).
export const unreadOfMembership = sql`lateral (select count(*)::int as n from ${messages} u
  where u.room_id = ${memberships}.room_id and u.id > coalesce(${memberships}.last_read_message_id, 0)
    and u.author_id <> ${memberships}.user_id and u.deleted_at is null) unread`;
export const unreadCount = sql<number>`unread.n`.mapWith(Number);

/** Joins each mention to its person's membership of the mention's room (none once they left it). */
export const membershipOfMention = and(eq(memberships.roomId, messageMentions.roomId), eq(memberships.userId, messageMentions.userId));

/**
 * A mention is unread while nobody cleared it (`read_at`: opened, or "Mark all as read") and its
 * message is after the read pointer (reading the room reads it too). Needs `membershipOfMention`.
 */
export const mentionUnread = sql<boolean>`(${messageMentions.readAt} is null
  and ${messageMentions.messageId} > coalesce(${memberships.lastReadMessageId}, 0))`;

// Joined to each membership row after `unreadOfMembership`: its unread mentions as `mentioned.n` (a
// mention past the pointer that the Mentions page has not marked read). One range scan of
// message_mentions_user_room_idx per membership; deleted messages take their mentions with them.
export const mentionsOfMembership = sql`lateral (select count(*)::int as n from ${messageMentions}
  where ${membershipOfMention} and ${mentionUnread}) mentioned`;
export const mentionCount = sql<number>`mentioned.n`.mapWith(Number);

/** A membership the sidebar lists: any but a hidden room's, unless someone mentioned them there. */
export const listed = sql`(${memberships.notificationLevel} is distinct from 'hidden' or mentioned.n > 0)`;

/**
 * What comes first in a page's title: unread mentions, and unread messages of direct and group
 * conversations (which are addressed to the person as much as a mention), over listed rooms.
 */
export const urgentOfMembership = (kind: AnyColumn) => sql`case when ${kind} = 'room' then mentioned.n else unread.n end`;
