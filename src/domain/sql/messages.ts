import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { messageMentions, messages, users } from "../../db/schema.js";
import type { Deps } from "../deps.js";
import { attachmentsOf, type Attachment } from "./attachments.js";
import { reactionsOf, type Reaction } from "./reactions.js";

/** What a reply shows of the message it answers, as that message is now. */
export interface Quoted {
  id: number;
  authorName: string;
  /** Its text's first line, cut with "…" past QUOTED_CHARS (empty when it has only files, or was deleted). */
  firstLine: string;
  deleted: boolean;
}

export interface Message {
  id: number;
  roomId: number;
  /** Empty once deleted. */
  body: string;
  /** The body rendered when it was written; null for a message older than formatting (rendered when shown). */
  bodyHtml: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** The room's change number its last change took (an edit, a deletion, a reaction); null if none. */
  changeSeq: number | null;
  replyTo: Quoted | null;
  /** Everyone it mentions (by name, or by `@room`): who sees it marked as mentioning them. */
  mentions: number[];
  author: { id: number; username: string; displayName: string; sharesReceipts: boolean };
  attachments: Attachment[];
  reactions: Reaction[];
}

/** How much of the quoted message's first line a reply carries. */
export const QUOTED_CHARS = 160;

/** The first line of a message's text as a reply quotes it. */
export function firstLineOf(body: AnyColumn | SQL): SQL<string> {
  const line = sql`split_part(${body}, E'\n', 1)`;
  const most = sql.raw(String(QUOTED_CHARS));
  return sql<string>`(left(${line}, ${most}) || case when char_length(${line}) > ${most} then '…' else '' end)`;
}

// The answered message, when there is one: one probe of its primary key per reply.
const replyTo = sql<Quoted | null>`(select json_build_object(
    'id', o.id,
    'authorName', ou.display_name,
    'firstLine', ${firstLineOf(sql.raw("o.body"))},
    'deleted', o.deleted_at is not null)
  from ${messages} o join ${users} ou on ou.id = o.author_id
  where o.id = ${messages.replyToId})`.mapWith((v: string | Quoted | null) => {
  if (v === null) return null;
  const q = typeof v === "string" ? (JSON.parse(v) as Quoted) : v;
  return { ...q, id: Number(q.id) };
});

// Whom the message mentions: a probe of the mentions' primary key, which starts with the message.
const mentions = sql<
  number[]
>`coalesce((select json_agg(mm.user_id) from ${messageMentions} mm where mm.message_id = ${messages.id}), '[]')`.mapWith(
  (v: string | number[]) => (typeof v === "string" ? (JSON.parse(v) as number[]) : v).map(Number),
);

/**
 * What every query that loads messages selects (joined to their authors): a `Message` but its
 * attachments and reactions (`withDetails`).
 */
export const messageColumns = {
  id: messages.id,
  roomId: messages.roomId,
  body: messages.body,
  bodyHtml: messages.bodyHtml,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  changeSeq: messages.changeSeq,
  replyTo,
  mentions,
  author: {
    id: users.id,
    username: users.username,
    displayName: users.displayName,
    sharesReceipts: users.shareReadReceipts,
  },
};

/** Adds each message's attachments and reactions, loaded for all of them in one query each. */
export async function withDetails<M extends { id: number }>(
  deps: Deps,
  rows: M[],
): Promise<Array<M & { attachments: Attachment[]; reactions: Reaction[] }>> {
  const ids = rows.map((r) => r.id);
  const [files, reacted] = await Promise.all([attachmentsOf(deps, ids), reactionsOf(deps, ids)]);
  return rows.map((r) => ({ ...r, attachments: files.get(r.id) ?? [], reactions: reacted.get(r.id) ?? [] }));
}

/** One message of a room, with its details; null if the room has no such message. */
export async function loadMessage(deps: Deps, roomId: number, messageId: number): Promise<Message | null> {
  const [row] = await deps.db
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, sql`${users.id} = ${messages.authorId}`)
    .where(sql`${messages.id} = ${messageId} and ${messages.roomId} = ${roomId}`);
  return row ? (await withDetails(deps, [row]))[0]! : null;
}
