import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, messages, rooms, users } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import { authorize, type Granted, type RoomKind } from "./rooms.js";
import { parseInput } from "./validate.js";

const MAX_BODY = 4000;
const PAGE_SIZE = 50;

export interface Message {
  id: number;
  roomId: number;
  body: string;
  createdAt: Date;
  author: { id: number; username: string; displayName: string; sharesReceipts: boolean };
}

const postInput = z.object({
  body: z
    .string({ error: "Write a message first." })
    .transform((s) => s.replace(/\r\n?/g, "\n").trim())
    .pipe(
      z
        .string()
        .min(1, "Write a message first.")
        .max(MAX_BODY, `A message can be at most ${MAX_BODY} characters.`),
    ),
});

export const messageColumns = {
  id: messages.id,
  roomId: messages.roomId,
  body: messages.body,
  createdAt: messages.createdAt,
  author: {
    id: users.id,
    username: users.username,
    displayName: users.displayName,
    sharesReceipts: users.shareReadReceipts,
  },
};

/** Stores a message and, once committed, tells listeners about it. */
export async function postMessage(deps: Deps, userId: number, roomId: number, input: unknown): Promise<number> {
  await authorize(deps, userId, roomId, "post");
  const { body } = parseInput(postInput, input);
  // Writing in a room means having read it up to one's own message: the author's pointer moves in
  // the same statement, and listeners of message.created account for it (no separate read.moved).
  const inserted = deps.db.$with("inserted").as(
    deps.db.insert(messages).values({ roomId, authorId: userId, body }).returning({ id: messages.id }),
  );
  const [row] = await deps.db
    .with(inserted)
    .update(memberships)
    .set({ lastReadMessageId: sql`(select ${inserted.id} from ${inserted})`, lastReadAt: sql`now()` })
    .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)))
    .returning({ id: sql<number>`(select ${inserted.id} from ${inserted})`.mapWith(Number) });
  if (!row) throw new NotFoundError("Room not found");
  deps.typing.stopped(roomId, userId);
  deps.events.publish({ kind: "message.created", roomId, messageId: row!.id, authorId: userId });
  return row!.id;
}

/** The latest messages of a room the reader may read, oldest first. */
export async function latestMessages({ db }: Deps, room: Granted<"read">): Promise<Message[]> {
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .where(eq(messages.roomId, room.id))
    .orderBy(desc(messages.id))
    .limit(PAGE_SIZE);
  return rows.reverse();
}

/** One message for delivery, with the kind of its room; the caller decides who may see it. */
export async function messageForDelivery(
  { db }: Deps,
  roomId: number,
  messageId: number,
): Promise<(Message & { roomKind: RoomKind }) | null> {
  const [row] = await db
    .select({ ...messageColumns, roomKind: rooms.kind })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .innerJoin(rooms, eq(rooms.id, messages.roomId))
    .where(and(eq(messages.roomId, roomId), eq(messages.id, messageId)));
  return row ?? null;
}
