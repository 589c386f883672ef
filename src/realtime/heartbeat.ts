import type { Client } from "./registry.js";

const SWEEP_SLICE = 500;

/** A page that answers pings is alive until the next sweep. */
export function answersPings(client: Client): void {
  client.ws.on("pong", () => (client.alive = true));
}

/**
 * Drops sockets that did not answer the last ping, and pings the rest, a slice per turn of the
 * event loop: a ping costs the server some 20 µs, so 50,000 at once would hold up every message
 * for a second.
 */
export function pingSweep(clients: Client[]): void {
  const slice = (from: number): void => {
    for (const client of clients.slice(from, from + SWEEP_SLICE)) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
    if (from + SWEEP_SLICE < clients.length) setImmediate(slice, from + SWEEP_SLICE);
  };
  slice(0);
}
