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
let pacerId: string;
const aboutPacer = (push: string) => presenceOf(push)?.[0] === pacerId;

for (const kind of databaseKinds()) {
  describe(`presence on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let bob: Visitor;
    let loner: Visitor;
    /** Goes offline after Alice would have: their offline is the later push that shows hers did not come. */
    let pacer: Visitor;
    const pool = socketPool();
    const open = pool.open;
    const closeAndWait = async (s: LiveSocket) => {
      const closed = new Promise((r) => s.ws.once("close", r));
      s.close();
      await closed;
    };

    before(async () => {
      server = await startTestServer(kind, { PRESENCE_GRACE_MS: String(GRACE_MS) });
      [alice, bob, pacer] = (await people(server.url, "alice", "bob", "pacer")) as [Visitor, Visitor, Visitor];
      // Leaves the default room, so shares no room with anyone.
      loner = new Visitor(server.url);
      await loner.signUp("loner");
      await loner.get("/rooms");
      await loner.post("/rooms/1/leave");
      const page = await bob.openRoom(1);
      aliceId = /data-presence="(\d+)"[^>]*>.*Alice/.exec(page.html)![1]!;
      pacerId = /data-presence="(\d+)"[^>]*>.*Pacer/.exec(page.html)![1]!;
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
    });

    test("a member list shows who is offline and who is online, in words as well as the dot", async () => {
      const before = await bob.openRoom(1);
      assert.match(before.html, new RegExp(`data-presence="${aliceId}" title="offline">.*<span class="sr-only">offline</span>`));
      const bobTab = await open(bob);
      const a = await open(alice);
      const page = await bob.openRoom(1);
      assert.match(page.html, new RegExp(`data-presence="${aliceId}" title="online"><span class="presence-dot is-online"`));
      await closeAndWait(a);
      // Offline again before the next test: her offline is told once it is stored.
      await bobTab.waitFor(2, GRACE_MS * 5, aboutAlice);
      await closeAndWait(bobTab);
    });

    test("people who share a room see someone come online and, after the grace period, go offline", async () => {
      const bobTab = await open(bob, 1);
      const lonerTab = await open(loner);
      const a = await open(alice);
      const [online] = await bobTab.waitFor(1, 2000, aboutAlice);
      assert.deepEqual(presenceOf(online!), [aliceId, "online"]);
      assert.match(online!, new RegExp(`hx-swap-oob="outerHTML:\\[data-presence='${aliceId}'\\]"`));

      const closing = Date.now();
      await closeAndWait(a);
      const pushes = await bobTab.waitFor(2, GRACE_MS * 5, aboutAlice);
      // The server cannot have heard of the close before it was sent; timers may fire a millisecond early.
      const after = Date.now() - closing;
      assert.ok(after >= GRACE_MS - 5, `no offline inside the grace period: it came after ${after} ms`);
      assert.deepEqual(presenceOf(pushes[1]!), [aliceId, "offline, last seen just now"]);
      assert.deepEqual(alicePushes(lonerTab), [], "someone sharing no room hears nothing");
    });

    test("a reload inside the grace period does not flicker, and a second tab keeps someone online", async () => {
      const bobTab = await open(bob);
      const first = await open(alice);
      await bobTab.waitFor(1, 2000, aboutAlice);
      const second = await open(alice, 1);
      // The pacer closes a tab just after each of Alice's: an offline from Alice's close would be
      // due first, and so reach Bob before the pacer's.
      const pacerTab = await open(pacer);
      await closeAndWait(first);
      await closeAndWait(pacerTab);
      await bobTab.waitFor(2, GRACE_MS * 5, aboutPacer);
      assert.equal(alicePushes(bobTab).length, 1, "still online through the second tab");

      const pacerAgain = await open(pacer);
      await closeAndWait(second);
      const reload = await open(alice);
      await closeAndWait(pacerAgain);
      await bobTab.waitFor(4, GRACE_MS * 5, aboutPacer);
      assert.equal(alicePushes(bobTab).length, 1, "a reload within the grace period says nothing");
      await closeAndWait(reload);
      const pushes = await bobTab.waitFor(2, GRACE_MS * 5, aboutAlice);
      assert.match(pushes[1]!, /offline/);
    });

    test("the last-seen time is stored when someone goes offline", async () => {
      // The test before waited for her offline, which is told once the time is stored.
      const page = await bob.openRoom(1);
      assert.match(page.html, new RegExp(`data-presence="${aliceId}" title="offline, last seen (just now|1 minute ago)"`));
    });
  });
}
