import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { attachments, memberships, messages, reactions, rooms, users } from "../db/schema.js";
import { authorize, authorizeMessage, type Actor, type Granted, type MessageAction, type Room } from "./access.js";
import { discard, prepareAttachments, type Upload } from "./attachments.js";
import type { Deps } from "./deps.js";
import type { DomainEvent } from "./events.js";
import { InvalidInputError, NotFoundError } from "./errors.js";
import type { Previous } from "./history.js";
import { loadMessage, messageColumns, withDetails, type Message } from "./sql/messages.js";
import { ROOM_LOCK, roomLockKey } from "./sql/changes.js";
import { roomColumns } from "./sql/rooms.js";
import { replyTarget, replyToInput } from "./replies.js";
import { parseInput } from "./validate.js";
import { mentionsAnyone, resolveMentions, writeMentions, type Absentee, type ResolvedMentions } from "./mentions.js";
import { queueMessagePushes } from "./push-queue.js";

const MAX_BODY = 4000;

const normalised = z.string().transform((s) => s.replace(/\r\n?/g, "\n").trim());
const tooLong = `A message can be at most ${MAX_BODY} characters.`;

/** What a composer names the message it sends; a retry carries the same one (see postMessage). */
export const clientIdInput = z.uuid({ error: "This message form is damaged. Reload the page and send it again." });

/** A message's text, when it has no files: something to say. */
export const textBody = z
  .string({ error: "Write a message first." })
  .pipe(normalised)
  .pipe(z.string().min(1, "Write a message first.").max(MAX_BODY, tooLong));

/** The text of a message with files: their caption, which may be empty. */
export const captionBody = normalised.pipe(z.string().max(MAX_BODY, tooLong)).default("");

const postInput = z.object({
  body: textBody,
  // Without script the composer always has one description field; left empty, it says nothing.
  alt: z.string().max(0, "Attach the image this description is for, or leave the description empty.").optional(),
  clientId: clientIdInput.optional(),
  replyTo: replyToInput,
});

// With files the text is an optional caption, and each image may come with a description.
const captionInput = z.object({
  body: captionBody,
  alt: z
    .union([
      z.string().max(1000, "A description can be at most 1000 characters."),
      z.array(z.string().max(1000, "A description can be at most 1000 characters.")),
    ])
    .optional(),
  clientId: clientIdInput.optional(),
  replyTo: replyToInput,
});

/**
 * Stores a message, with its uploaded files if any, and once committed tells listeners about it.
 * A message with files may have no text (the text is their caption). If anything fails, no row
 * is left and the files this post stored are removed.
 *
 * Posting is idempotent on the composer's client id: a message sent again (its answer was lost, or
 * the page resent it) is the message already stored, whose id comes back; nothing is stored, no file
 * processed and nothing published again. Two sends racing each other meet at the unique index.
 *
 * A reply (`replyTo`) answers a message of the same room that may be answered (not deleted).
 */
export async function postMessage(deps: Deps, actor: Actor, roomId: number, input: unknown, uploads: Upload[] = []): Promise<Posted> {
  const userId = actor.id;
  const room = await authorize(deps, userId, roomId, "post");
  const { body, alt, clientId = null, replyTo } = parseInput(uploads.length ? captionInput : postInput, input);
  const mentions = await resolveMentions(deps, actor, room, body);
  const fields = {
    body,
    clientId,
    replyToId: replyTo === undefined ? null : await answered(deps, actor, roomId, replyTo, clientId),
    mentions,
  };
  const posted = (id: number): Posted => ({ id, absent: mentions.absent });
  // A message stored again (a retry) is not news: only a first insert is told.
  const told = ({ id, again }: Inserted): DomainEvent[] =>
    again ? [] : [{ kind: "message.created", roomId, messageId: id, authorId: userId }];
  let inserted: Inserted;
  if (uploads.length === 0) {
    // Its mentions and the pushes they decide are written with it, or not at all (writeAndTell's transaction).
    const write = async (tx: Db) => withPushes(tx, userId, roomId, await insertMessage(tx, userId, roomId, fields));
    inserted = await deps.events.writeAndTell(deps.db, write, told);
  } else {
    // Files are processed only for a message not stored yet (the insert alone settles a race).
    const earlier = await alreadySent(deps.db, userId, roomId, clientId);
    if (earlier !== null) return posted(earlier);
    const prepared = await prepareAttachments(deps, uploads, [alt ?? []].flat());
    try {
      inserted = await deps.events.writeAndTell(
        deps.db,
        async (tx) => {
          const message = await insertMessage(tx, userId, roomId, fields);
          if (!message.again) await tx.insert(attachments).values(prepared.rows.map((row) => ({ ...row, messageId: message.id })));
          return withPushes(tx, userId, roomId, message);
        },
        told,
      );
    } catch (err) {
      await discard(deps, prepared.created);
      throw err;
    }
    if (inserted.again) await discard(deps, prepared.created);
  }
  if (!inserted.again) deps.typing.stopped(roomId, userId);
  if (inserted.pushes) deps.pushes.queued();
  return posted(inserted.id);
}

/** A message stored (or found stored, for a retry), and whom it named who is not in the room. */
export interface Posted {
  id: number;
  absent: Absentee[];
}

/** A first insert's Web Push notifications, queued in its transaction: the worker sends them after commit. */
async function withPushes(tx: Db, authorId: number, roomId: number, message: Inserted): Promise<Inserted> {
  if (message.again) return message;
  return { ...message, pushes: await queueMessagePushes(tx, { messageId: message.id, roomId, authorId }) };
}

/**
 * A message of a room with the room it is in, if the person may do `action` with it; anything
 * else (no such message, not in that room, a room they cannot read, a rule that says no) is "not found".
 */
export async function messageFor(
  deps: Deps,
  actor: Actor,
  roomId: number,
  messageId: number,
  action: MessageAction,
): Promise<{ message: Message; room: Granted<"read"> }> {
  const message = await loadMessage(deps, roomId, messageId);
  if (!message) throw new NotFoundError("Message not found");
  const room = await authorizeMessage(deps, actor, { roomId, authorId: message.author.id, deletedAt: message.deletedAt }, action);
  return { message, room };
}

/**
 * The message a reply answers, checked; a retry of a reply already stored is let through to the
 * insert (which answers as the first send did), even if its original was deleted meanwhile.
 */
async function answered(deps: Deps, actor: Actor, roomId: number, replyTo: number, clientId: string | null): Promise<number> {
  try {
    return await replyTarget(deps, actor, roomId, replyTo);
  } catch (err) {
    if ((await alreadySent(deps.db, actor.id, roomId, clientId)) === null) throw err;
    return replyTo;
  }
}

const sentWith = prepared((db) =>
  db
    .select({ id: messages.id, roomId: messages.roomId })
    .from(messages)
    .where(and(eq(messages.authorId, sql.placeholder("userId")), eq(messages.clientId, sql.placeholder("clientId"))))
    .prepare("message_sent_with"),
);

/** The id of the message this person already sent with this client id, if any (in this room only). */
async function alreadySent(db: Db, userId: number, roomId: number, clientId: string | null): Promise<number | null> {
  if (clientId === null) return null;
  const [row] = await sentWith(db).execute({ userId, clientId });
  if (!row) return null;
  if (row.roomId !== roomId) throw new InvalidInputError({ clientId: "This message was already sent in another room." }, 409);
  return row.id;
}

// Writing in a room means having read it up to one's own message: the author's pointer moves in
// the same statement, and listeners of message.created account for it (no separate read.moved).
// The row is built from a per-room advisory lock held until commit, so a room's messages take their
// ids in the order they commit: whoever has seen message N has seen every earlier one of its room,
// which is what live delivery in order and catching up "after N" rely on, on any instance.
// A client id already used inserts nothing, and then nothing moves and no row comes back.
const insertAndRead = prepared((db) => {
  const roomId = sql.placeholder("roomId");
  const userId = sql.placeholder("userId");
  const column = (c: { name: string }) => sql.identifier(c.name);
  const inserted = db.$with("inserted", { id: sql<number>`id`.as("id") }).as(
    sql`insert into ${messages} (${column(messages.roomId)}, ${column(messages.authorId)}, ${column(messages.body)}, ${column(messages.bodyHtml)}, ${column(messages.clientId)}, ${column(messages.replyToId)})
      select ${roomId}::bigint, ${userId}::bigint, ${sql.placeholder("body")}::text, ${sql.placeholder("bodyHtml")}::text, ${sql.placeholder("clientId")}::uuid,
        ${sql.placeholder("replyToId")}::bigint
      from pg_advisory_xact_lock(${ROOM_LOCK}, ${roomLockKey(roomId)})
      on conflict (${column(messages.authorId)}, ${column(messages.clientId)}) do nothing
      returning ${column(messages.id)}`,
  );
  return db
    .with(inserted)
    .update(memberships)
    .set({ lastReadMessageId: sql`(select ${inserted.id} from ${inserted})`, lastReadAt: sql`now()` })
    .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId), sql`exists (select 1 from ${inserted})`))
    .returning({ id: sql<number>`(select ${inserted.id} from ${inserted})`.mapWith(Number) })
    .prepare("insert_message");
});

/** The message's id; `again` when this client id had stored it already (a retry that lost the race). */
interface Inserted {
  id: number;
  again: boolean;
  /** How many Web Push notifications it queued. */
  pushes?: number;
}

/** What a post stores besides its room and author. */
interface NewMessage {
  body: string;
  clientId: string | null;
  /** The message it answers, already checked (see replyTarget). */
  replyToId: number | null;
  /** Rendered once, with the people it names: pages and pushes serve the stored HTML. */
  mentions: ResolvedMentions;
}

async function insertMessage(
  db: Db,
  userId: number,
  roomId: number,
  { body, clientId, replyToId, mentions }: NewMessage,
): Promise<Inserted> {
  const [row] = await insertAndRead(db).execute({ userId, roomId, body, bodyHtml: mentions.bodyHtml, clientId, replyToId });
  if (row) {
    if (mentionsAnyone(mentions)) await writeMentions(db, { id: row.id, roomId, authorId: userId }, mentions, false);
    return { id: row.id, again: false };
  }
  const earlier = await alreadySent(db, userId, roomId, clientId);
  if (earlier === null) throw new NotFoundError("Room not found");
  return { id: earlier, again: true };
}

// The message before this one in its room, for the live message's day divider and grouping: two
// probes of messages_room_id_idx inside the same query.
const before = (column: "author_id" | "created_at") =>
  sql.raw(`(select p.${column} from messages p where p.room_id = messages.room_id and p.id < messages.id order by p.id desc limit 1)`);

/** What a delivery needs besides the message: its room (for the sidebar row) and who may see it. */
export interface Delivery extends Message {
  room: Room;
  /** The room's members when the message was read; sockets of anyone else get nothing. */
  members: Set<number>;
  previous: Previous | null;
}

function deliveryQuery(db: Db) {
  return db
    .select({
      ...messageColumns,
      room: roomColumns,
      members: sql<number[]>`array(select m.user_id from ${memberships} m where m.room_id = ${messages.roomId})`,
      previousAuthorId: sql<number | null>`${before("author_id")}`.mapWith((v) => (v === null ? null : Number(v))),
      previousAt: sql<Date | null>`${before("created_at")}`.mapWith((v: string | Date | null) => (v === null ? null : new Date(v))),
      // Most messages have no files or reactions: knowing it here spares every delivery two queries.
      hasDetails: sql<boolean>`(exists (select 1 from ${attachments} where ${attachments.messageId} = ${messages.id})
        or exists (select 1 from ${reactions} where ${reactions.messageId} = ${messages.id}))`,
    })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .innerJoin(rooms, eq(rooms.id, messages.roomId));
}

const deliveryOf = prepared((db) =>
  deliveryQuery(db)
    .where(and(eq(messages.roomId, sql.placeholder("roomId")), eq(messages.id, sql.placeholder("messageId"))))
    .prepare("message_for_delivery"),
);

const deliveriesAfter = prepared((db) =>
  deliveryQuery(db)
    .where(and(eq(messages.roomId, sql.placeholder("roomId")), gt(messages.id, sql.placeholder("after"))))
    .orderBy(asc(messages.id))
    .limit(sql.placeholder("limit"))
    .prepare("messages_for_delivery"),
);

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveryOf>["execute"]>>[number];

async function toDelivery(deps: Deps, found: DeliveryRow): Promise<Delivery> {
  const { previousAuthorId, previousAt, hasDetails, members, room, ...row } = found;
  const previous = previousAuthorId !== null && previousAt !== null ? { authorId: previousAuthorId, createdAt: previousAt } : null;
  const message = hasDetails ? (await withDetails(deps, [row]))[0]! : { ...row, attachments: [], reactions: [] };
  return { ...message, room, members: new Set(members.map(Number)), previous };
}

/** One message for delivery, in one query with its room, its room's members and the message before it. */
export async function messageForDelivery(deps: Deps, roomId: number, messageId: number): Promise<Delivery | null> {
  const [found] = await deliveryOf(deps.db).execute({ roomId, messageId });
  return found ? toDelivery(deps, found) : null;
}

/** A room's messages after `after`, oldest first, up to `limit`, each ready for delivery (see messageForDelivery). */
export async function messagesForDelivery(deps: Deps, roomId: number, after: number, limit: number): Promise<Delivery[]> {
  const rows = await deliveriesAfter(deps.db).execute({ roomId, after, limit });
  return Promise.all(rows.map((row) => toDelivery(deps, row)));
}
