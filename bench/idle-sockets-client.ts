// A load generator for bench/idle-sockets.ts, run by it with child_process.fork: one process may hold
// only as many sockets as its open-file limit allows, and one source address only as many as the
// ephemeral port range, so the sockets are spread over several of these, each on its own 127.0.0.x.
// It holds room-page WebSockets as the people whose session cookies it was given and answers over IPC.
import { WebSocket } from "ws";

export interface Setup {
  url: string;
  roomId: number;
  cookies: string[];
  localAddress: string;
}

export type Command = { open: number; concurrency: number; deadline: number } | { expect: string } | { tally: true };

export type Reply = { opened: number; failed: number; error?: string } | { expecting: true } | { open: number; received: number };

const setup = JSON.parse(process.argv[2]!) as Setup;
const wsUrl = `${setup.url.replace(/^http/, "ws")}/ws?room=${setup.roomId}`;
const origin = new URL(setup.url).origin;
const sockets: WebSocket[] = [];
// The check message: which sockets have received a push containing `expected`.
let expected = "";
let got = new Set<WebSocket>();
let started = 0;

const reply = (message: Reply) => process.send!(message);

/** One more socket, as the next person in turn (a refused upgrade fails with its HTTP status). */
function openOne(): Promise<void> {
  const cookie = setup.cookies[started++ % setup.cookies.length]!;
  const ws = new WebSocket(wsUrl, { headers: { cookie, origin }, localAddress: setup.localAddress, handshakeTimeout: 10_000 });
  ws.on("message", (data: Buffer) => {
    if (expected && data.includes(expected)) got.add(ws);
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => {
      sockets.push(ws);
      resolve();
    });
    // Also after opening: a reset socket must not end the process (it shows in the tally instead).
    ws.on("error", reject);
  });
}

/** Opens `count` sockets, `concurrency` at a time, and stops at the first failure or the deadline. */
async function open(count: number, concurrency: number, deadline: number): Promise<Reply> {
  let next = 0;
  let failed = 0;
  let error: string | undefined;
  const lane = async () => {
    while (next < count && failed === 0 && Date.now() < deadline) {
      next++;
      try {
        await openOne();
      } catch (err) {
        failed++;
        error ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { opened: sockets.length, failed, ...(error ? { error } : {}) };
}

process.on("message", (command: Command) => {
  if ("open" in command) void open(command.open, command.concurrency, command.deadline).then(reply);
  else if ("expect" in command) {
    expected = command.expect;
    got = new Set();
    reply({ expecting: true });
  } else reply({ open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length, received: got.size });
});
// The parent going away ends this process and its sockets.
process.on("disconnect", () => process.exit(0));
