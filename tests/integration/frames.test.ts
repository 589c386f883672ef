import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { frame, RawSocket } from "../support/raw-socket.js";
import { startTestServer, type TestServer } from "../support/server.js";

const isMessage = (push: string) => push.startsWith('<div hx-swap-oob="beforeend:#messages">');

/** 200 fragments of one text message, 32 bytes each: more fragments and more bytes than a signal ever has. */
function fragments(): Buffer {
  const piece = "x".repeat(32);
  const frames = [frame(piece, { fin: false })];
  for (let i = 1; i < 199; i++) frames.push(frame(piece, { fin: false, opcode: 0x0 }));
  frames.push(frame(piece, { opcode: 0x0 }));
  return Buffer.concat(frames);
}

// Each is what a hostile or broken client could send; each raised an unhandled 'error' that ended the process.
const badFrames: Array<[string, Buffer, number]> = [
  ["a text frame larger than the limit", frame("x".repeat(5000)), 1009],
  ["a frame header claiming 1 TiB", frame("", { claimedLength: 2n ** 40n }), 1009],
  ["invalid UTF-8 in a text frame", frame(Buffer.from([0xc3, 0x28, 0xff])), 1007],
  ["an unmasked frame", frame('{"signal":"typing"}', { masked: false }), 1002],
  ["a frame with a reserved opcode", frame("x", { opcode: 0x3 }), 1002],
  ["200 continuation fragments", fragments(), 1008],
];

for (const kind of databaseKinds()) {
  describe(`malformed WebSocket frames on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let roomId: number;
    const pool = socketPool();

    before(async () => {
      server = await startTestServer(kind);
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      roomId = await alice.createRoom("Frames");
      await bob.joinRoom(roomId);
      await alice.openRoom(roomId);
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    for (const [what, bytes, code] of badFrames) {
      test(`${what} closes that socket (${code}) and nothing else`, { timeout: 10_000 }, async () => {
        const bystander = await pool.open(bob, roomId);
        const raw = await RawSocket.open(alice, `?room=${roomId}`);
        try {
          raw.write(bytes);
          await raw.closed;
          assert.equal(raw.closeCode, code);

          assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
          const before = bystander.received.filter(isMessage).length;
          const posted = await alice.post(`/rooms/${roomId}/messages`, { body: `after ${what}` });
          assert.equal(posted.status, 303);
          const pushes = await bystander.waitFor(before + 1, 3000, isMessage);
          assert.match(pushes.at(-1)!, new RegExp(`after ${what}`));
        } finally {
          raw.destroy();
          bystander.close();
        }
      });
    }
  });
}
