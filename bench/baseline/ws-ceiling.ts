// The ceiling for issue 6: plain `ws` broadcasting a string built once per message, with no
// database, no sessions and no rendering. Nothing real can be faster on the same machine.
// Run by the benchmarks: PORT. Prints "listening" when ready.
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
  req.on("end", () => {
    const { body } = JSON.parse(raw) as { body: string };
    const frame = JSON.stringify({ body });
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(frame);
    res.writeHead(204).end();
  });
});
server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)));
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`listening ${JSON.stringify({ roomId: 0, authorId: 0 })}`));
process.on("SIGTERM", () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
});
