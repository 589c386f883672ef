import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared } from "../db/prepared.js";
import { messages, users } from "../db/schema.js";
import { mayOnMessage, messageAccess, type Actor } from "./access.js";
import type { Deps } from "./deps.js";
import { InvalidInputError } from "./errors.js";
import { firstLineOf, type Quoted } from "./sql/messages.js";

/**
 * Replies: which message a new one answers. A composer quotes it (`quotable`), and posting checks
 * it again (`replyTarget`): the original must be a message of the same room that may be answered.
 */

/** A message id as a form or a query sends it; an empty field answers nothing. */
export const replyToInput = z
  .union(
    [
      z.literal("").transform(() => undefined),
      z
        .string()
        .regex(/^[1-9][0-9]{0,14}$/)
        .transform(Number),
      z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    ],
    { error: "This reply is damaged. Reload the page and try again." },
  )
  .optional();

const originalOf = prepared((db) =>
  db
    .select({
      id: messages.id,
      roomId: messages.roomId,
      authorId: messages.authorId,
      deletedAt: messages.deletedAt,
      authorName: users.displayName,
      firstLine: firstLineOf(messages.body),
    })
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .where(eq(messages.id, sql.placeholder("id")))
    .prepare("reply_original"),
);

type Refusal = "elsewhere" | "deleted";

/** The message as a reply in room `roomId` would quote it, or why it cannot be answered there. */
async function original(deps: Deps, actor: Actor, roomId: number, messageId: number): Promise<Quoted | Refusal> {
  const [row] = await originalOf(deps.db).execute({ id: messageId });
  // Another room's message is as unknown here as one that does not exist: nothing about it leaks.
  if (!row || row.roomId !== roomId) return "elsewhere";
  if (!mayOnMessage("reply", messageAccess(actor, row))) return "deleted";
  return { id: row.id, authorName: row.authorName, firstLine: row.firstLine, deleted: false };
}

const refusals: Record<Refusal, string> = {
  elsewhere: "The message you are replying to is not in this room.",
  deleted: "The message you are replying to was deleted.",
};

/**
 * Checks that a post in room `roomId` (which the actor may post in) may answer `messageId`, and
 * returns its id; otherwise a 422 on the `replyTo` field, so that the composer keeps the draft.
 */
export async function replyTarget(deps: Deps, actor: Actor, roomId: number, messageId: number): Promise<number> {
  const found = await original(deps, actor, roomId, messageId);
  if (typeof found === "string") throw new InvalidInputError({ replyTo: refusals[found] });
  return found.id;
}

/**
 * What a composer in room `roomId` quotes for `input` (a `?reply=` or a refused draft's field), for
 * someone who may post there; null when it names no message that may be answered there, which the
 * composer then simply does not quote.
 */
export async function quotable(deps: Deps, actor: Actor, roomId: number, input: unknown): Promise<Quoted | null> {
  const parsed = replyToInput.safeParse(input);
  if (!parsed.success || parsed.data === undefined) return null;
  const found = await original(deps, actor, roomId, parsed.data);
  return typeof found === "string" ? null : found;
}
