import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { messages } from "../../db/schema.js";

/**
 * The advisory lock class of "writing in a room"; the second key is the room's id (two rooms
 * sharing a key only wait for each other). Held until commit by every post and every change to a
 * posted message, so that a room's message ids, and its change numbers, commit in order.
 */
export const ROOM_LOCK = 1;

export const roomLockKey = (roomId: number | ReturnType<typeof sql.placeholder>) => sql`(${roomId}::bigint % 2147483647)::int`;

/**
 * Takes the room's lock until the transaction ends (again is a no-op). A change takes it before
 * it reads what it changes, as a post does before it inserts: every writer waits in the same order,
 * so none deadlocks another (a row lock first, then this, could).
 */
export async function lockRoom(tx: Db, roomId: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ROOM_LOCK}, ${roomLockKey(roomId)})`);
}

/**
 * Marks a change to a posted message (an edit, a deletion, a reaction): the next change number,
 * drawn under the room's lock inside the change's transaction. A page that has seen the room's
 * changes up to N is sent those after N when it reconnects (changedSince), and a live push of a
 * change it has already seen is dropped.
 */
export async function markChanged(tx: Db, roomId: number, messageId: number): Promise<number> {
  await lockRoom(tx, roomId);
  const [row] = await tx
    .update(messages)
    .set({ changeSeq: sql`nextval('message_changes')` })
    .where(sql`${messages.id} = ${messageId} and ${messages.roomId} = ${roomId}`)
    .returning({ change: messages.changeSeq });
  return Number(row!.change);
}

/**
 * The newest change a room has committed: what a page rendered now shows. Read before the page's
 * messages, so that a change committed in between is sent again rather than missed.
 */
export async function lastChange(db: Db, roomId: number): Promise<number> {
  const [row] = await db
    .select({ change: sql<number>`coalesce(max(${messages.changeSeq}), 0)`.mapWith(Number) })
    .from(messages)
    .where(sql`${messages.roomId} = ${roomId} and ${messages.changeSeq} is not null`);
  return row?.change ?? 0;
}
