import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { memberships, messageMentions, messages, rooms, users } from "../db/schema.js";
import type { Room } from "./access.js";
import type { Deps } from "./deps.js";
import { messageColumns, withDetails, type Message } from "./sql/messages.js";
import { roomColumns } from "./sql/rooms.js";
import { membershipOfMention, mentionUnread } from "./sql/unread.js";

/**
 * The Mentions page: the messages that mention a person, in the rooms they are still in, newest
 * first; and clearing them (opened, or "Mark all as read"), which tells the sidebar's "@" counts.
 */

/** Mentions in a page: a full page and one more means there are older ones. */
export const MENTIONS_PAGE_SIZE = 30;

export interface Mention extends Message {
  room: Room;
  /** Per `mentionUnread`: not cleared, and after the read pointer of its room. */
  unread: boolean;
}

export interface MentionsPage {
  mentions: Mention[];
  /** There are older mentions than the last of this page. */
  more: boolean;
}

/**
 * One page of the messages that mention `userId`, newest first, before the message `before` if
 * given: a keyset range of `message_mentions_user_idx` (user_id, message_id), one query with the
 * messages and rooms (and `withDetails`' two). Joining the membership is the access check: a room
 * the person left lists nothing.
 */
export async function mentionsOf(deps: Deps, userId: number, { before }: { before?: number } = {}): Promise<MentionsPage> {
  const rows = await deps.db
    .select({ ...messageColumns, room: roomColumns, unread: mentionUnread })
    .from(messageMentions)
    .innerJoin(memberships, membershipOfMention)
    .innerJoin(messages, eq(messages.id, messageMentions.messageId))
    .innerJoin(users, eq(users.id, messages.authorId))
    .innerJoin(rooms, eq(rooms.id, messageMentions.roomId))
    .where(and(eq(messageMentions.userId, userId), before === undefined ? undefined : lt(messageMentions.messageId, before)))
    .orderBy(desc(messageMentions.messageId))
    .limit(MENTIONS_PAGE_SIZE + 1);
  const more = rows.length > MENTIONS_PAGE_SIZE;
  return { mentions: await withDetails(deps, rows.slice(0, MENTIONS_PAGE_SIZE)), more };
}

/**
 * Sets `read_at` on the person's unread mentions matching `where`, in one UPDATE, and tells
 * `mentions.read` only if any was unread (a page's sidebar is sent again for it). Returns how many.
 */
async function clearMentions(deps: Deps, userId: number, ...where: SQL[]): Promise<number> {
  const cleared = await deps.events.writeAndTell(
    deps.db,
    (db) =>
      db
        .update(messageMentions)
        .set({ readAt: sql`now()` })
        .from(memberships)
        .where(and(membershipOfMention, eq(messageMentions.userId, userId), mentionUnread, ...where))
        .returning({ messageId: messageMentions.messageId }),
    (rows) => (rows.length > 0 ? [{ kind: "mentions.read" as const, userId }] : []),
  );
  return cleared.length;
}

/** "Mark all as read" on the Mentions page: every unread mention of the person. */
export function markAllMentionsRead(deps: Deps, userId: number): Promise<number> {
  return clearMentions(deps, userId);
}

/**
 * The person opened a message (its permalink): their mention of it, if unread, is read. Only a
 * member's own row, of a message of that room, is touched.
 */
export async function markMentionRead(deps: Deps, userId: number, roomId: number, messageId: number): Promise<boolean> {
  return (await clearMentions(deps, userId, eq(messageMentions.roomId, roomId), eq(messageMentions.messageId, messageId))) > 0;
}
