import { receipts } from "../../domain/reading.js";
import { memberIds } from "../../domain/rooms.js";
import { renderReceiptMove } from "../../render/receipts.js";
import type { Fanout } from "../fanout.js";

/** A reader's receipt moves on every open page of the room but their own, if they share receipts. */
export async function sendReceipt(ctx: Fanout, roomId: number, userId: number): Promise<void> {
  if (ctx.registry.inRoom(roomId).size === 0) return;
  const fresh = ctx.supersede.start(`receipt:${roomId}:${userId}`);
  const [[receipt], members] = await Promise.all([receipts(ctx.deps, roomId, userId), memberIds(ctx.deps, roomId)]);
  if (!receipt || !fresh()) return;
  members.delete(userId);
  ctx.transport.send(ctx.registry.inRoom(roomId), renderReceiptMove(receipt), members);
}
