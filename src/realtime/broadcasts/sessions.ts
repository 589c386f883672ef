import type { DomainEvent } from "../../domain/events.js";
import type { Fanout } from "../fanout.js";

/** A session that ends (log-out, or a new log-in in its place) takes its sockets with it. */
export function sessionEnded({ registry }: Fanout, event: Extract<DomainEvent, { kind: "session.ended" }>): void {
  for (const client of registry.ofUser(event.userId)) {
    if (client.sessionId === event.sessionId) client.ws.close(1008, "Logged out");
  }
}
