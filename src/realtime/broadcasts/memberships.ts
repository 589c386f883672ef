import type { DomainEvent } from "../../domain/events.js";
import type { Fanout } from "../fanout.js";

/** Someone who left a room keeps no page of it open. */
export function membershipEnded({ registry }: Fanout, event: Extract<DomainEvent, { kind: "membership.ended" }>): void {
  for (const client of registry.inRoom(event.roomId)) {
    if (client.userId === event.userId) client.ws.close(1000, "Left the room");
  }
}
