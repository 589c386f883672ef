import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { WebSocketServer, type ServerOptions } from "ws";
import { isDatabaseUnavailable } from "../db/pool.js";
import type { Deps } from "../domain/deps.js";
import { NotFoundError } from "../domain/errors.js";
import { authorize } from "../domain/access.js";
import { findUser } from "../domain/accounts.js";
import { isSameSite, type TrustProxy } from "../http/origin.js";
import { idParam } from "../http/params.js";
import type { Hub } from "./hub.js";

const reasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${reasons[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function runSession(session: RequestHandler, req: IncomingMessage): Promise<void> {
  return promisify(session)(req as never, {} as never);
}

/** `after=0` (an empty room) or a message id; anything else means "no messages to catch up on". */
function sinceParam(value: string | null): number | null {
  if (value === "0") return 0;
  const id = idParam(value);
  return id > 0 ? id : null;
}

/**
 * How long a socket we close (on shutdown, log-out, leaving a room, flooding) may take to answer
 * the close before it is cut off. ws waits 30 s by default, so one peer on a dead link held
 * every shutdown up past its 10 s deadline.
 */
const CLOSE_GRACE_MS = 1500;

export interface SocketOptions {
  deps: Deps;
  hub: Hub;
  session: RequestHandler;
  publicOrigin: string | undefined;
  trustProxy: TrustProxy;
  pingIntervalMs: number;
  maxSocketsPerUser: number;
  log: Logger;
}

/**
 * Accepts `/ws` upgrades from our own pages for a logged-in person (every page holds one, which
 * is what makes them "online"), `/ws?room=ID` from a room page, for a member of that room, and
 * `/ws?people` from the People page, which shows everyone's presence.
 * What pages send (small signals such as "typing") goes to the hub.
 */
export function attachWebSockets(server: Server, opts: SocketOptions): { close(): void } {
  // Pages send only small signals (some 50 bytes, one frame each): anything bigger or in pieces is
  // refused with a close code, on that socket alone (the hub handles its 'error').
  // ws (^8.23) takes closeTimeout; @types/ws 8.18.2, the newest, does not declare it yet.
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: 4 * 1024,
    maxFragments: 16,
    closeTimeout: CLOSE_GRACE_MS,
  };
  const wss = new WebSocketServer(options);

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    accept(req, socket, head).catch((err: unknown) => {
      if (err instanceof NotFoundError) return refuse(socket, 404);
      opts.log.error({ err }, "websocket upgrade failed");
      refuse(socket, isDatabaseUnavailable(err) ? 503 : 500);
    });
  });

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/ws") return refuse(socket, 404);
    if (!isSameSite(req, opts.publicOrigin, opts.trustProxy)) return refuse(socket, 403);
    await runSession(opts.session, req);
    const userId = (req as IncomingMessage & { session?: { userId?: number } }).session?.userId;
    if (userId === undefined) return refuse(socket, 401);
    const roomParam = url.searchParams.get("room");
    const roomId = roomParam === null ? null : idParam(roomParam);
    const [room, user] = await Promise.all([
      roomId === null ? null : authorize(opts.deps, userId, roomId, "read"),
      findUser(opts.deps, userId),
    ]);
    if (!user) return refuse(socket, 401);
    const watchesPeople = url.searchParams.has("people");
    const sessionId = (req as IncomingMessage & { sessionID: string }).sessionID;
    // A room page at its newest end says which message it shows last: what came after it is sent.
    const after = roomId === null ? null : sinceParam(url.searchParams.get("after"));
    // And the newest change to its messages it shows: later ones are sent (see lastChange).
    const changes = roomId === null ? null : sinceParam(url.searchParams.get("changes"));
    // Checked just before the upgrade, which adds the socket in the same turn.
    if (opts.hub.socketsOf(userId) >= opts.maxSocketsPerUser) return refuse(socket, 429);
    wss.handleUpgrade(req, socket, head, (ws) =>
      opts.hub.add({
        ws,
        transport: socket,
        userId,
        isAdmin: user.isAdmin,
        sessionId,
        roomId,
        room,
        watchesPeople,
        after,
        newest: after,
        changes,
        alive: true,
        held: null,
      }),
    );
  }

  const pinger = setInterval(() => opts.hub.sweep(), opts.pingIntervalMs);
  pinger.unref();

  return {
    close() {
      clearInterval(pinger);
      opts.hub.closeAll(1012, "Server restarting");
      wss.close();
    },
  };
}
