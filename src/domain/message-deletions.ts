import { and, eq, isNull, sql } from "drizzle-orm";
import { attachments, messageMentions, messageRevisions, messages, reactions } from "../db/schema.js";
import type { Actor, Granted } from "./access.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import { messageFor } from "./messages.js";
import { loadMessage, type Message } from "./sql/messages.js";
import { unreferenced } from "./orphans.js";
import { lockRoom, markChanged } from "./sql/changes.js";

/**
 * How recently a stored file may have been put and still be taken away at once. A post stores its
 * files before its row commits, so a file with the same bytes put just now may belong to a post
 * on its way; such a file is left to the periodic sweep (orphans.ts), which waits longer.
 */
const RECLAIM_GRACE_MS = 60_000;

/**
 * The author or an administrator deletes a message. What stays is a tombstone in its place, so
 * that replies quoting it still make sense: its text, its earlier versions, its files and its
 * reactions go, in one transaction under the room's lock, which takes the room's next change
 * number; once it commits every page with the room open shows the tombstone, and the files no
 * other message uses leave the store. Anyone else is told "not found".
 */
export async function deleteMessage(deps: Deps, actor: Actor, roomId: number, messageId: number): Promise<Message> {
  await messageFor(deps, actor, roomId, messageId, "delete");
  const { hashes } = await deps.events.writeAndTell(
    deps.db,
    async (tx) => {
      await lockRoom(tx, roomId);
      // Again under the lock: another deletion may have come between.
      const [now] = await tx
        .update(messages)
        .set({ body: "", bodyHtml: "", deletedAt: sql`now()` })
        .where(and(eq(messages.id, messageId), eq(messages.roomId, roomId), isNull(messages.deletedAt)))
        .returning({ id: messages.id });
      if (!now) throw new NotFoundError("Message not found");
      const files = await tx
        .delete(attachments)
        .where(eq(attachments.messageId, messageId))
        .returning({ hash: attachments.hash, thumbHash: attachments.thumbHash, posterHash: attachments.posterHash });
      await tx.delete(reactions).where(eq(reactions.messageId, messageId));
      await tx.delete(messageRevisions).where(eq(messageRevisions.messageId, messageId));
      await tx.delete(messageMentions).where(eq(messageMentions.messageId, messageId));
      const change = await markChanged(tx, roomId, messageId);
      const hashes = files.flatMap((f) => [f.hash, f.thumbHash, f.posterHash]).filter((h): h is string => h !== null);
      return { change, hashes: [...new Set(hashes)] };
    },
    ({ change }) => [{ kind: "message.deleted", roomId, messageId, change }],
  );
  await reclaimFiles(deps, hashes);
  // The tombstone, as everyone now sees it.
  return (await loadMessage(deps, roomId, messageId))!;
}

/** The message as the one who may delete it is asked about it; anyone else is told "not found". */
export async function messageToDelete(
  deps: Deps,
  actor: Actor,
  roomId: number,
  messageId: number,
): Promise<{ message: Message; room: Granted<"read"> }> {
  return messageFor(deps, actor, roomId, messageId, "delete");
}

/** Takes away those of `hashes` no attachment refers to any more (unless put again just now). */
async function reclaimFiles({ db, files }: Pick<Deps, "db" | "files">, hashes: string[]): Promise<void> {
  if (hashes.length === 0) return;
  const before = new Date(Date.now() - RECLAIM_GRACE_MS);
  // The deletion has committed: a file that cannot be taken now is left to the sweep, not an error.
  for (const hash of await unreferenced(db, hashes)) await files.reclaim(hash, before).catch(() => false);
}
