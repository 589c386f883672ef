import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { messages, reactions } from "../db/schema.js";
import { authorizeMessage, type Actor, type Granted, type MessageRef } from "./access.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import { messageForDelivery } from "./messages.js";
import { lockRoom, markChanged } from "./sql/changes.js";
import type { Message } from "./sql/messages.js";
import { parseInput } from "./validate.js";

/** A reaction is an emoji or a word or two, as Campfire's boosts allow: at most this many characters. */
export const MAX_REACTION = 16;
// Characters as people count them (graphemes: 👍🏽 or 👨‍👩‍👧 is one). One grapheme can carry any
// number of combining marks, so the code units are bounded too, far above any real emoji.
const MAX_REACTION_UNITS = 256;
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
const graphemeCount = (s: string) => [...graphemes.segment(s)].length;
// Control characters (newlines and tabs among them) and the line and paragraph separators.
const controlCharacter = /[\p{Cc}\u2028\u2029]/u;

const reactionInput = z.object({
  emoji: z
    .string({ error: "Choose an emoji, or type a reaction." })
    .transform((s) => s.trim().normalize("NFC"))
    .pipe(
      z
        .string()
        .min(1, "Choose an emoji, or type a reaction.")
        .refine((s) => !controlCharacter.test(s), "A reaction is one line, without tabs or control characters.")
        .refine(
          (s) => s.length <= MAX_REACTION_UNITS && graphemeCount(s) <= MAX_REACTION,
          `A reaction can be at most ${MAX_REACTION} characters.`,
        ),
    ),
});

/** The message's reaction has been added (`reacted`) or taken back, as the room's change `change`. */
export interface Toggled {
  reacted: boolean;
  change: number;
}

async function messageRef(db: Db, roomId: number, messageId: number): Promise<MessageRef | null> {
  const [row] = await db
    .select({ roomId: messages.roomId, authorId: messages.authorId, deletedAt: messages.deletedAt })
    .from(messages)
    .where(and(eq(messages.id, messageId), eq(messages.roomId, roomId)));
  return row ?? null;
}

/**
 * Adds the person's reaction `input.emoji` to a message of the room, or takes it back if they had
 * it: one row per person per emoji. Non-members and deleted messages are "not found", checked before
 * the input is (nothing about the message leaks through a 422).
 */
export async function toggleReaction(deps: Deps, actor: Actor, roomId: number, messageId: number, input: unknown): Promise<Toggled> {
  const ref = await messageRef(deps.db, roomId, messageId);
  if (!ref) throw new NotFoundError("Message not found");
  await authorizeMessage(deps, actor, ref, "react");
  const { emoji } = parseInput(reactionInput, input);
  const mine = and(eq(reactions.messageId, messageId), eq(reactions.emoji, emoji), eq(reactions.userId, actor.id));
  return deps.events.writeAndTell(
    deps.db,
    async (tx) => {
      // The room's lock first, as every change takes it: toggles queue here one at a time, so each
      // sees the one before it, and a deletion committed meanwhile is seen below.
      await lockRoom(tx, roomId);
      if ((await messageRef(tx, roomId, messageId))?.deletedAt !== null) throw new NotFoundError("Message not found");
      const removed = await tx.delete(reactions).where(mine).returning({ emoji: reactions.emoji });
      if (removed.length === 0) await tx.insert(reactions).values({ messageId, userId: actor.id, emoji });
      return { reacted: removed.length === 0, change: await markChanged(tx, roomId, messageId) };
    },
    ({ change }) => [{ kind: "reaction.changed", roomId, messageId, change }],
  );
}

/** A message someone may react to, with its reactions, and its room (for a page about it). */
export async function messageToReact(
  deps: Deps,
  actor: Actor,
  roomId: number,
  messageId: number,
): Promise<{ room: Granted<"read">; message: Message }> {
  const message = await messageForDelivery(deps, roomId, messageId);
  if (!message) throw new NotFoundError("Message not found");
  const room = await authorizeMessage(deps, actor, { roomId, authorId: message.author.id, deletedAt: message.deletedAt }, "react");
  return { room, message };
}
