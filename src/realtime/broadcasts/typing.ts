import { displayNames } from "../../domain/accounts.js";
import type { DomainEvent } from "../../domain/events.js";
import { memberIds } from "../../domain/rooms.js";
import { renderTypingPush, typingText } from "../../render/typing.js";
import type { Fanout } from "../fanout.js";
import { oncePerKey, type Push } from "../transport.js";

/** The room's typing line, on each of its open pages (after Typing's view of the room changed). */
export async function typingChanged(
  ctx: Fanout,
  { roomId }: Pick<Extract<DomainEvent, { kind: "typing.changed" }>, "roomId">,
): Promise<void> {
  if (ctx.registry.inRoom(roomId).size === 0) return;
  const fresh = ctx.supersede.start(`typing:${roomId}`);
  const typists = ctx.deps.typing.typists(roomId);
  const [names, members] = await Promise.all([displayNames(ctx.deps, typists), memberIds(ctx.deps, roomId)]);
  if (!fresh()) return;
  ctx.transport.send(ctx.registry.inRoom(roomId), typingPush(typists, names), members);
}

/** One render for everyone who is not typing, and one for each typist (who never sees their own name). */
export function typingPush(typists: number[], names: Map<number, string>): Push {
  const renders = oncePerKey<number | null>();
  return ({ userId }) => renders(typists.includes(userId) ? userId : null, () => renderTypingPush(typingText(userId, typists, names)));
}
