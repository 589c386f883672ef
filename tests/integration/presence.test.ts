import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LiveSocket, people, socketPool, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const GRACE_MS = 300;
const presenceOf = (push: string) => /data-presence="(\d+)"[^>]*title="([^"]+)"/.exec(push)?.slice(1);
let aliceId: string;
const aboutAlice = (push: string) => presenceOf(push)?.[0] === aliceId;
const alicePushes = (s: LiveSocket) => s.received.filter(aboutAlice);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of databaseKinds()) {
  describe(`presence on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let loner: Visitor;
    const pool = socketPool();
    const open = pool.open;
    const closeAndWait = async (s: LiveSocket) => {
      const closed = new Promise((r) => s.ws.once("close", r));
      s.close();
      await closed;
    };

    before(async () => {
      server = await startTestServer(kind, { PRESENCE_GRACE_MS: String(GRACE_MS) });
      [alice, bob] = (await people(server.url, "alice", "bob")) as [Visitor, Visitor];
      // Leaves the default room, so shares no room with anyone.
      loner = new Visitor(server.url);
      await loner.signUp("loner");
      await loner.get("/rooms");
      await loner.post("/rooms/1/leave");
      const page = await bob.openRoom(1);
      aliceId = /data-presence="(\d+)"[^>]*>.*Alice/.exec(page.html)![1]!;
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("a member list shows who is offline and who is online, in words as well as the dot", async () => {
      const before = await bob.openRoom(1);
      assert.match(before.html, new RegExp(`data-presence="${aliceId}" title="offline">.*<span class="sr-only">offline</span>`));
      const a = await open(alice);
      const page = await bob.openRoom(1);
      assert.match(page.html, new RegExp(`data-presence="${aliceId}" title="online"><span class="presence-dot is-online"`));
      await closeAndWait(a);
      await settle(GRACE_MS * 2);
    });

    test("people who share a room see someone come online and, after the grace period, go offline", async () => {
      const bobTab = await open(bob, 1);
      const lonerTab = await open(loner);
      const a = await open(alice);
      const [online] = await bobTab.waitFor(1, 2000, aboutAlice);
      assert.deepEqual(presenceOf(online!), [aliceId, "online"]);
      assert.match(online!, new RegExp(`hx-swap-oob="outerHTML:\\[data-presence='${aliceId}'\\]"`));

      await closeAndWait(a);
      await settle(GRACE_MS / 3);
      assert.equal(alicePushes(bobTab).length, 1, "no offline inside the grace period");
      const pushes = await bobTab.waitFor(2, GRACE_MS * 5, aboutAlice);
      assert.deepEqual(presenceOf(pushes[1]!), [aliceId, "offline, last seen just now"]);
      assert.deepEqual(alicePushes(lonerTab), [], "someone sharing no room hears nothing");
    });

    test("a reload inside the grace period does not flicker, and a second tab keeps someone online", async () => {
      const bobTab = await open(bob);
      const first = await open(alice);
      await bobTab.waitFor(1, 2000, aboutAlice);
      const second = await open(alice, 1);
      await closeAndWait(first);
      await settle(GRACE_MS * 2);
      assert.equal(alicePushes(bobTab).length, 1, "still online through the second tab");

      await closeAndWait(second);
      const reload = await open(alice);
      await settle(GRACE_MS * 2);
      assert.equal(alicePushes(bobTab).length, 1, "a reload within the grace period says nothing");
      await closeAndWait(reload);
      const pushes = await bobTab.waitFor(2, GRACE_MS * 5, aboutAlice);
      assert.match(pushes[1]!, /offline/);
    });

    test("the last-seen time is stored when someone goes offline", async () => {
      await settle(GRACE_MS * 2);
      const page = await bob.openRoom(1);
      assert.match(page.html, new RegExp(`data-presence="${aliceId}" title="offline, last seen (just now|1 minute ago)"`));
    });
  });
}
