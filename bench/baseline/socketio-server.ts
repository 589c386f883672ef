// The yardstick for issue 6: a minimal server on the seed's stack, doing the seed's job. Express
// takes a posted message, drizzle persists it to the same PostgreSQL schema as Parley's, and
// Socket.IO broadcasts it to the room as JSON, which the seed's clients would then render. No
// sessions, no authorization, no HTML: it is meant to be small and honest, not a strawman.
// Run by the benchmarks (bench/targets.ts): PORT, DATABASE_URL (BENCH_PGLITE_TEMPLATE: see bench/support.ts).
// Prints "listening" when ready.
import { createServer } from "node:http";
import express from "express";
import { Server } from "socket.io";
import { openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { messages, rooms, users } from "../../src/db/schema.js";
import { pgliteDump } from "../support.js";

const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: "memory://", pgliteDump: await pgliteDump() });
await migrate(database);
const { db } = database;
// One author for every post: with no sessions, the poster names them.
const [author] = await db.insert(users).values({ username: `baseline${Date.now()}`, displayName: "Baseline", passwordHash: "-" }).returning({ id: users.id });
const app = express();
app.use(express.json({ limit: "64kb" }));
const server = createServer(app);
const io = new Server(server, { serveClient: false });

io.on("connection", (socket) => {
  const room = Number(socket.handshake.query.room);
  if (Number.isInteger(room)) void socket.join(`room:${room}`);
});

// The benchmark's setup: as many rooms as it asks for.
app.post("/rooms", async (req, res) => {
  const [room] = await db.insert(rooms).values({ name: (req.body as { name: string }).name }).returning({ id: rooms.id });
  res.json(room);
});

app.post("/rooms/:id/messages", async (req, res) => {
  const roomId = Number(req.params.id);
  const { body, authorId } = req.body as { body: string; authorId: number };
  const [row] = await db.insert(messages).values({ roomId, authorId, body }).returning();
  io.to(`room:${roomId}`).emit("message", row);
  res.status(204).end();
});

server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log(`listening ${JSON.stringify({ authorId: author!.id })}`));
process.on("SIGTERM", () => {
  void io.close();
  server.close(() => void database.close().then(() => process.exit(0)));
});
