import { sql } from "drizzle-orm";
import { prepared } from "../../db/prepared.js";
import { reactions, users } from "../../db/schema.js";
import type { Deps } from "../deps.js";

/** One emoji on a message: who reacted with it, in the order they did. */
export interface Reaction {
  emoji: string;
  people: Array<{ id: number; displayName: string }>;
}

// Every page of history runs this, as it does attachmentsOf: the ids come as one array.
const reactionsOfMessages = prepared((db) =>
  db
    .select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId, displayName: users.displayName })
    .from(reactions)
    .innerJoin(users, sql`${users.id} = ${reactions.userId}`)
    .where(sql`${reactions.messageId} = any(${sql.placeholder("messageIds")}::bigint[])`)
    .orderBy(reactions.messageId, reactions.createdAt, reactions.userId)
    .prepare("reactions_of"),
);

/**
 * The reactions of several messages in one query, by message: each emoji once, in the order it was
 * first used, with its people in the order they reacted.
 */
export async function reactionsOf({ db }: Deps, messageIds: number[]): Promise<Map<number, Reaction[]>> {
  const byMessage = new Map<number, Reaction[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await reactionsOfMessages(db).execute({ messageIds });
  for (const { messageId, emoji, userId, displayName } of rows) {
    let list = byMessage.get(messageId);
    if (!list) byMessage.set(messageId, (list = []));
    let reaction = list.find((r) => r.emoji === emoji);
    if (!reaction) list.push((reaction = { emoji, people: [] }));
    reaction.people.push({ id: userId, displayName });
  }
  return byMessage;
}
