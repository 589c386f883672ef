import { sql } from "drizzle-orm";
import type { Deps } from "./deps.js";

/** How long a visible page counts after it last said so: the "not looking" rule of Web Push. */
export const LOOKING_MS = 60_000;

/**
 * This person counts as looking at Parley for the next LOOKING_MS (users.looking_until): a page of
 * theirs is visible, or was until just now. Pushes go only to people past it (see push-queue.ts).
 * In the database, so that every instance decides alike.
 */
export async function lookingNow({ db }: Deps, userId: number): Promise<void> {
  await db.execute(sql`update users set looking_until = now() + ${LOOKING_MS} * interval '1 millisecond' where id = ${userId}`);
}
