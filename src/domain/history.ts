import { and, asc, desc, eq, gt, gte, lt, lte, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { messages, users } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import type { Granted } from "./access.js";
import { storeMissingBodyHtml } from "./body-html.js";
import { messageColumns, withDetails, type Message } from "./sql/messages.js";

/**
 * A room's history in pages of 50, by keyset on `messages_room_id_idx (room_id, id desc)`: every
 * page is one index range scan however deep it is, never an OFFSET.
 */

export const PAGE_SIZE = 50;

export type PageRequest = { latest: true } | { before: number } | { after: number } | { around: number };

/** The author and time of the message just before a page: what day dividers and grouping need. */
export interface Previous {
  authorId: number;
  createdAt: Date;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: Message[];
  previous: Previous | null;
  hasOlder: boolean;
  hasNewer: boolean;
}

type Row = Omit<Message, "attachments" | "reactions">;

const previousOf = (m: Row | undefined): Previous | null => (m ? { authorId: m.author.id, createdAt: m.createdAt } : null);

type Value = number | Placeholder;

function select(db: Db, roomId: Value, where: SQL | undefined, order: "asc" | "desc", limit: Value) {
  return db
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .where(and(eq(messages.roomId, roomId), where))
    .orderBy(order === "asc" ? asc(messages.id) : desc(messages.id))
    .limit(limit);
}

/** The query for a page of older history: one range of messages_room_id_idx, newest first. */
export function keysetPage(db: Db, roomId: Value, before: Value | null, limit: Value = PAGE_SIZE + 1) {
  return select(db, roomId, before === null ? undefined : lt(messages.id, before), "desc", limit);
}

// Every room page runs the first, and every scroll back the second.
const newestPage = prepared((db) => keysetPage(db, sql.placeholder("roomId"), null, sql.placeholder("limit")).prepare("newest_page"));
const pageBefore = prepared((db) =>
  keysetPage(db, sql.placeholder("roomId"), sql.placeholder("before"), sql.placeholder("limit")).prepare("page_before"),
);

/** Up to `limit` messages before `before` (or the newest), oldest first, with the one before them. */
async function olderThan(deps: Deps, roomId: number, before: number | null, limit: number) {
  const rows = await (before === null
    ? newestPage(deps.db).execute({ roomId, limit: limit + 1 })
    : pageBefore(deps.db).execute({ roomId, before, limit: limit + 1 }));
  return { shown: rows.slice(0, limit).reverse(), previous: previousOf(rows[limit]), hasOlder: rows.length > limit };
}

/** Up to `limit` messages from `from` on (after it, or from it when `inclusive`), oldest first. */
async function newerThan(deps: Deps, roomId: number, from: number, inclusive: boolean, limit: number) {
  const rows = await select(deps.db, roomId, (inclusive ? gte : gt)(messages.id, from), "asc", limit + 1);
  return { shown: rows.slice(0, limit), hasNewer: rows.length > limit };
}

/** Up to `limit` messages after `id`, oldest first, with the one at or before it. */
async function after(deps: Deps, roomId: number, id: number, limit: number) {
  const [newer, [before]] = await Promise.all([
    newerThan(deps, roomId, id, false, limit),
    select(deps.db, roomId, lte(messages.id, id), "desc", 1),
  ]);
  return { shown: newer.shown, previous: previousOf(before), hasNewer: newer.hasNewer };
}

/**
 * What a page showing a room up to message `since` has missed: up to `limit` messages, oldest
 * first, or `null` when there are more (the page is better off starting again from the newest).
 */
export async function missedSince(
  deps: Deps,
  room: Granted<"read">,
  since: number,
  limit: number,
): Promise<{ messages: Message[]; previous: Previous | null } | null> {
  const missed = await after(deps, room.id, since, limit);
  if (missed.hasNewer) return null;
  return { messages: await withDetails(deps, missed.shown), previous: missed.previous };
}

async function exists(deps: Deps, roomId: number, where: SQL): Promise<boolean> {
  const [row] = await deps.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.roomId, roomId), where))
    .limit(1);
  return row !== undefined;
}

/** One page of a room's history for someone who may read it. */
export async function historyPage(deps: Deps, room: Granted<"read">, request: PageRequest): Promise<HistoryPage> {
  let page: { messages: Row[]; previous: Previous | null; hasOlder: boolean; hasNewer: boolean };
  if ("latest" in request || "before" in request) {
    const before = "before" in request ? request.before : null;
    const [older, hasNewer] = await Promise.all([
      olderThan(deps, room.id, before, PAGE_SIZE),
      before === null ? false : exists(deps, room.id, gte(messages.id, before)),
    ]);
    page = { messages: older.shown, previous: older.previous, hasOlder: older.hasOlder, hasNewer };
  } else if ("after" in request) {
    const missed = await after(deps, room.id, request.after, PAGE_SIZE);
    page = { messages: missed.shown, previous: missed.previous, hasOlder: missed.previous !== null, hasNewer: missed.hasNewer };
  } else {
    const half = PAGE_SIZE / 2;
    const [older, newer] = await Promise.all([
      olderThan(deps, room.id, request.around, half),
      newerThan(deps, room.id, request.around, true, half),
    ]);
    if (newer.shown[0]?.id !== request.around) throw new NotFoundError("Message not found");
    page = { messages: [...older.shown, ...newer.shown], previous: older.previous, hasOlder: older.hasOlder, hasNewer: newer.hasNewer };
  }
  const shown = await withDetails(deps, page.messages);
  await storeMissingBodyHtml(deps.db, shown);
  return { ...page, messages: shown };
}

/**
 * What a page that has seen a room's changes up to `since` has missed of them: the messages edited,
 * deleted or reacted to since, as they are now, and the newest change that makes; `null` when more
 * than `limit` changed (the page is better off starting again).
 */
export async function changedSince(
  deps: Deps,
  room: Granted<"read">,
  since: number,
  limit: number,
): Promise<{ messages: Message[]; last: number } | null> {
  const rows = await deps.db
    .select({ ...messageColumns, change: messages.changeSeq })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .where(and(eq(messages.roomId, room.id), gt(messages.changeSeq, since)))
    .orderBy(asc(messages.changeSeq))
    .limit(limit + 1);
  if (rows.length > limit) return null;
  const last = rows.reduce((newest, row) => Math.max(newest, Number(row.change)), since);
  return {
    messages: await withDetails(
      deps,
      rows.map(({ change: _, ...row }) => row),
    ),
    last,
  };
}
