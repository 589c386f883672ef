import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { RawSocket } from "../support/raw-socket.js";
import { startTestServer } from "../support/server.js";

for (const kind of databaseKinds()) {
  describe(`shutdown on ${kind}`, () => {
    test("a peer that never answers the close does not hold up stop()", { timeout: 40_000 }, async () => {
      const server = await startTestServer(kind);
      let dead: RawSocket | undefined;
      try {
        const v = new Visitor(server.url);
        await v.signUp("sleepy");
        const live = v.socket();
        await live.opened;
        const closed = new Promise<number>((resolve) => live.ws.once("close", (code) => resolve(code)));
        // A phone on a dead link: upgraded, then it reads nothing and never answers the close frame.
        dead = await RawSocket.open(v);
        dead.socket.pause();

        const started = Date.now();
        await server.stop();
        const took = Date.now() - started;
        assert.ok(took < 3000, `stop() took ${took} ms`);
        assert.equal(await closed, 1012, "a peer that answers still gets 1012, so that it reconnects");
      } finally {
        dead?.destroy();
        await server.stop();
      }
    });
  });
}
