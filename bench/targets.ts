// The servers the delivery benchmarks (big-room, post-deliver) compare, each in its own process and
// behind one interface, so that every one of them gets the same clients and the same load: Parley, the
// Express + Socket.IO baseline and the plain `ws` ceiling (both in bench/baseline).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { io as ioClient } from "socket.io-client";
import { WebSocket } from "ws";
import { type LiveSocket, Visitor } from "../tests/support/client.js";
import { freshPostgresDatabase, postgresUrl } from "../tests/support/databases.js";
import { freePort, startParleyForLoad } from "./support.js";

export const SERVERS = {
  parley: { label: "Parley", short: "Parley" },
  socketio: { label: "Express + Socket.IO baseline", short: "Socket.IO baseline" },
  ws: { label: "ws ceiling (no database)", short: "ws ceiling" },
} as const;
export type ServerName = keyof typeof SERVERS;

/** The servers named in a `--servers` option ("parley,socketio,ws"). */
export function parseServers(list: string): ServerName[] {
  const names = list.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !(n in SERVERS));
  if (unknown.length) throw new Error(`unknown server ${unknown.join(", ")}: choose from ${Object.keys(SERVERS).join(", ")}`);
  return names as ServerName[];
}

/** What Parley and the baseline persist to (the ceiling has no database). */
export const database = postgresUrl ? "PostgreSQL 127.0.0.1" : "PGlite (embedded)";

/** Parley ÷ another server, for the ratio tables. */
export const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a (too little to measure)");

/** Subscribes to the bodies of the messages one client receives; returns an unsubscribe. */
export type Subscribe = (onBody: (body: string) => void) => () => void;

/** A room on a server under test, with its live clients and a way to post into it. */
export interface Room {
  clients: Subscribe[];
  post(body: string): Promise<void>;
  close(): void;
}

export interface RoomShape {
  clients: number;
  /** Parley: sockets per person (people keep several tabs open); the others have no people. */
  socketsPerPerson: number;
  /** Parley: whether the poster is one of the people holding the clients, or posts from outside. */
  posterListens: boolean;
}

/** A server under test in its own process. */
export interface Target {
  pid: number;
  openRoom(shape: RoomShape): Promise<Room>;
  stop(): Promise<void>;
}

export function startTarget(name: ServerName): Promise<Target> {
  if (name === "parley") return parleyTarget();
  if (name === "socketio") return baselineTarget();
  return ceilingTarget();
}

interface Client {
  opened: Promise<unknown>;
  subscribe: Subscribe;
  close(): void;
}

async function roomOf(clients: Client[], post: (body: string) => Promise<void>): Promise<Room> {
  await Promise.all(clients.map((c) => c.opened));
  return { clients: clients.map((c) => c.subscribe), post, close: () => clients.forEach((c) => c.close()) };
}

// Global, so that a frame that carries several messages yields each of them.
const MESSAGE_BODY = /<div class="message-body[^"]*"><p>([^<]*)<\/p><\/div>/g;

const parleyClient = (socket: LiveSocket): Client => ({
  opened: socket.opened,
  subscribe(onBody) {
    const listener = (data: Buffer) => {
      for (const [, body] of data.toString().matchAll(MESSAGE_BODY)) onBody(body!);
    };
    socket.ws.on("message", listener);
    return () => socket.ws.off("message", listener);
  },
  close: () => socket.close(),
});

/** Parley: signed-up people on the room page's WebSocket; the poster posts as htmx does. */
async function parleyTarget(): Promise<Target> {
  const parley = await startParleyForLoad();
  let rooms = 0;
  return {
    pid: parley.pid,
    async openRoom({ clients, socketsPerPerson, posterListens }) {
      const label = `room${++rooms}`;
      const poster = new Visitor(parley.url);
      await poster.signUp(`${label}poster`);
      const roomId = await poster.createRoom(label);
      const sockets: LiveSocket[] = [];
      const hold = (v: Visitor) => {
        for (let s = 0; s < socketsPerPerson && sockets.length < clients; s++) sockets.push(v.socket(roomId));
      };
      if (posterListens) hold(poster);
      for (let p = 0; sockets.length < clients; p++) {
        const v = new Visitor(parley.url);
        await v.signUp(`${label}reader${p}`);
        await v.joinRoom(roomId);
        hold(v);
      }
      const room = await roomOf(sockets.map(parleyClient), async (body) => {
        await poster.post(`/rooms/${roomId}/messages`, { body }, { "hx-request": "true" });
      });
      await poster.openRoom(roomId);
      return room;
    },
    stop: () => parley.close(),
  };
}

/** The Socket.IO baseline, on a fresh database on the same PostgreSQL as Parley's (else PGlite in memory). */
async function baselineTarget(): Promise<Target> {
  const db = postgresUrl ? await freshPostgresDatabase() : null;
  try {
    const server = await startBaseline("socketio-server", db?.url);
    const socketIoClient = (roomId: number): Client => {
      const socket = ioClient(server.url, { query: { room: roomId }, transports: ["websocket"], forceNew: true });
      return {
        opened: new Promise((resolve) => socket.once("connect", () => resolve(undefined))),
        subscribe(onBody) {
          const listener = (row: { body: string }) => onBody(row.body);
          socket.on("message", listener);
          return () => socket.off("message", listener);
        },
        close: () => socket.close(),
      };
    };
    return {
      ...jsonTarget(server, socketIoClient),
      async stop() {
        await server.stop();
        await db?.drop();
      },
    };
  } catch (err) {
    await db?.drop();
    throw err;
  }
}

/** The `ws` ceiling: plain WebSocket clients, JSON frames, no database. */
async function ceilingTarget(): Promise<Target> {
  const server = await startBaseline("ws-ceiling", undefined);
  const wsClient = (roomId: number): Client => {
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/?room=${roomId}`);
    return {
      opened: once(socket, "open"),
      subscribe(onBody) {
        const listener = (data: Buffer) => onBody((JSON.parse(data.toString()) as { body: string }).body);
        socket.on("message", listener);
        return () => socket.off("message", listener);
      },
      close: () => socket.close(),
    };
  };
  return { ...jsonTarget(server, wsClient), stop: server.stop };
}

type BaselineServer = Awaited<ReturnType<typeof startBaseline>>;

/** The baseline and the ceiling speak alike: POST /rooms makes a room, JSON posts go to /rooms/ID/messages. */
function jsonTarget(server: BaselineServer, connect: (roomId: number) => Client): Omit<Target, "stop"> {
  const postJson = (path: string, body: unknown) =>
    fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return {
    pid: server.pid,
    async openRoom({ clients }) {
      const res = await postJson("/rooms", { name: "bench room" });
      if (!res.ok) throw new Error(`creating a room: status ${res.status}`);
      const { id } = (await res.json()) as { id: number };
      return roomOf(
        Array.from({ length: clients }, () => connect(id)),
        async (body) => {
          await (await postJson(`/rooms/${id}/messages`, { body, authorId: server.authorId })).arrayBuffer();
        },
      );
    },
  };
}

/** Starts bench/baseline/NAME.ts in its own process; it prints "listening {…}" when ready. */
async function startBaseline(name: string, databaseUrl: string | undefined) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", `bench/baseline/${name}.ts`], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl ?? "", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = async () => {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
  };
  /** The baseline's one author (the ceiling has none). */
  const ready = await new Promise<{ authorId?: number }>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const line = /listening (\{.*\})/.exec(chunk.toString());
      if (line) resolve(JSON.parse(line[1]!) as { authorId?: number });
    });
    child.once("exit", () => reject(new Error(`${name} stopped before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, authorId: ready.authorId, stop };
}
