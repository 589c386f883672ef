// The ceiling for issue 6: plain `ws` broadcasting a string built once per message to the sockets of
// its room, with no database, no sessions and no rendering. Nothing real can be faster on the same machine.
// Run by the benchmarks (bench/targets.ts): PORT. Prints "listening" when ready.
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

const rooms = new Map<number, Set<WebSocket>>();
const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
  req.on("end", () => {
    // The benchmark's setup: POST /rooms makes a room.
    if (req.url === "/rooms") {
      const id = rooms.size + 1;
      rooms.set(id, new Set());
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id }));
      return;
    }
    const roomId = Number(/^\/rooms\/(\d+)\/messages$/.exec(req.url ?? "")?.[1]);
    const { body } = JSON.parse(raw) as { body: string };
    const frame = JSON.stringify({ body });
    for (const client of rooms.get(roomId) ?? []) if (client.readyState === WebSocket.OPEN) client.send(frame);
    res.writeHead(204).end();
  });
});
server.on("upgrade", (req, socket, head) =>
  wss.handleUpgrade(req, socket, head, (ws) => {
    const room = rooms.get(Number(new URL(req.url ?? "/", "http://127.0.0.1").searchParams.get("room")));
    room?.add(ws);
    ws.once("close", () => room?.delete(ws));
  }),
);
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening {}"));
process.on("SIGTERM", () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
});
