import { findUser } from "../../domain/accounts.js";
import type { DomainEvent } from "../../domain/events.js";
import { roomsOf } from "../../domain/rooms.js";
import { presentSidebar, renderSidebarPush } from "../../render/sidebar.js";
import type { Fanout } from "../fanout.js";
import { oncePerKey } from "../transport.js";

/**
 * Someone's mentions were marked read without their pointers moving: the "@" counts of any of their
 * rooms may have changed, so both sidebar sections go again, in order, to each of their pages (one
 * sidebar query, as a page that reconnects gets), one render per current room.
 */
export async function mentionsRead(ctx: Fanout, { userId }: Extract<DomainEvent, { kind: "mentions.read" }>): Promise<void> {
  if (!ctx.registry.isOnline(userId)) return;
  const fresh = ctx.supersede.start(`sidebar:${userId}`);
  const user = await findUser(ctx.deps, userId);
  if (!user) return;
  const mine = await roomsOf(ctx.deps, userId, user.sidebarOrder);
  if (!fresh()) return;
  const sidebar = presentSidebar(mine, user, ctx.deps.presence);
  const renders = oncePerKey<number | null>();
  ctx.transport.send(ctx.registry.ofUser(userId), ({ roomId }) => renders(roomId, () => renderSidebarPush(sidebar, roomId)));
}
