import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { messageRevisions, messages } from "../db/schema.js";
import { resolveMentions, writeMentions } from "./mentions.js";
import type { Actor, Granted } from "./access.js";
import type { Deps } from "./deps.js";
import type { DomainEvent } from "./events.js";
import { NotFoundError } from "./errors.js";
import { captionBody, messageFor, textBody } from "./messages.js";
import { lockRoom, markChanged } from "./sql/changes.js";
import type { Message } from "./sql/messages.js";
import { parseInput } from "./validate.js";

/** A message with files keeps them through an edit, and they may stand without a caption. */
const editInput = (hasFiles: boolean) => z.object({ body: hasFiles ? captionBody : textBody });

/**
 * The author changes what their message says (its files stay). The version it replaces is kept
 * (`message_revisions`), and the change takes the room's next change number, all in one
 * transaction; once it commits, every page with the room open swaps the message's content. The same
 * text again changes nothing and tells nobody. Anyone but the author is told "not found".
 */
export async function editMessage(deps: Deps, actor: Actor, roomId: number, messageId: number, input: unknown): Promise<void> {
  const { message, room } = await messageFor(deps, actor, roomId, messageId, "edit");
  const { body } = parseInput(editInput(message.attachments.length > 0), input);
  const mentions = await resolveMentions(deps, actor, room, body);
  await deps.events.writeAndTell(
    deps.db,
    async (tx) => {
      await lockRoom(tx, roomId);
      // Again under the lock: a deletion may have come between.
      const [now] = await tx
        .select({ body: messages.body, createdAt: messages.createdAt, editedAt: messages.editedAt, deletedAt: messages.deletedAt })
        .from(messages)
        .where(eq(messages.id, messageId));
      if (!now || now.deletedAt) throw new NotFoundError("Message not found");
      if (now.body === body) return null;
      await tx.insert(messageRevisions).values({ messageId, body: now.body, writtenAt: now.editedAt ?? now.createdAt });
      await tx
        .update(messages)
        .set({ body, bodyHtml: mentions.bodyHtml, editedAt: sql`now()` })
        .where(eq(messages.id, messageId));
      // Whom it mentions changes with it: their "@" counts too, but nobody is notified of an edit.
      const named = await writeMentions(tx, { id: messageId, roomId, authorId: actor.id }, mentions, true);
      return { change: await markChanged(tx, roomId, messageId), named };
    },
    (edited): DomainEvent[] =>
      edited === null
        ? []
        : [
            { kind: "message.edited", roomId, messageId, change: edited.change },
            ...edited.named.map((userId) => ({ kind: "mentions.changed" as const, userId })),
          ],
  );
}

/** The message as the author edits it (their text as they wrote it); anyone else is told "not found". */
export async function messageToEdit(deps: Deps, actor: Actor, roomId: number, messageId: number) {
  return messageFor(deps, actor, roomId, messageId, "edit");
}

export interface Revision {
  body: string;
  writtenAt: Date;
  /** When the next version took its place. */
  replacedAt: Date;
}

/** A message and its earlier versions, oldest first, for anyone who may read its room. */
export async function revisionsOf(
  deps: Deps,
  actor: Actor,
  roomId: number,
  messageId: number,
): Promise<{ message: Message; room: Granted<"read">; revisions: Revision[] }> {
  const found = await messageFor(deps, actor, roomId, messageId, "readRevisions");
  const revisions = await deps.db
    .select({ body: messageRevisions.body, writtenAt: messageRevisions.writtenAt, replacedAt: messageRevisions.replacedAt })
    .from(messageRevisions)
    .where(eq(messageRevisions.messageId, messageId))
    .orderBy(asc(messageRevisions.id));
  return { ...found, revisions };
}
