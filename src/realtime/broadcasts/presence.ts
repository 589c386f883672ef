import type { DomainEvent } from "../../domain/events.js";
import { renderPresencePush } from "../../render/presence.js";
import type { Fanout } from "../fanout.js";
import type { Client, Registry } from "../registry.js";

/** One render for every page that shows the person: the People pages, and their audience's pages. */
export async function presenceChanged(ctx: Fanout, { userId }: Extract<DomainEvent, { kind: "presence.changed" }>): Promise<void> {
  const fresh = ctx.supersede.start(`presence:${userId}`);
  const [state, audience] = await Promise.all([ctx.deps.presence.stateOf(userId), ctx.deps.presence.audienceOf(userId)]);
  if (!state || !fresh()) return;
  ctx.transport.send(presenceSockets(ctx.registry, audience), renderPresencePush(state));
}

/** Every People page, and every page of someone in `audience` (who share a room with the person). */
export function presenceSockets(registry: Registry, audience: Iterable<number>): Set<Client> {
  const sockets = new Set(registry.peopleWatchers);
  for (const viewer of audience) for (const client of registry.ofUser(viewer)) sockets.add(client);
  return sockets;
}
