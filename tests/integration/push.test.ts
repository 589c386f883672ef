import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { memberships, pushJobs, pushSubscriptions, users } from "../../src/db/schema.js";
import { PushWorker } from "../../src/push/worker.js";
import pino from "pino";
import webpush from "web-push";
import { people, socketPool, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startPushService, type FakeBrowser } from "../support/push-service.js";
import { postedBy, startTestServer, type TestServer } from "../support/server.js";

// Web Push end to end against a local push service (tests/support/push-service.ts): what the fake
// browser decrypts is what its person would see. Browsers cannot reach a real push service here, so
// this is where subscribing and sending are proven; the e2e test proves the worker registers.
for (const kind of databaseKinds()) {
  describe(`web push on ${kind}`, () => {
    let server: TestServer;
    let service: Awaited<ReturnType<typeof startPushService>>;
    let alice: Visitor, bob: Visitor, carol: Visitor, dave: Visitor;
    const id: Record<string, number> = {};
    /** Each person's one fake browser. */
    const device: Record<string, FakeBrowser> = {};
    let roomId: number;
    const pool = socketPool();

    async function subscribe(who: Visitor, browser: FakeBrowser, headers: Record<string, string> = {}) {
      await who.get("/settings");
      return who.post("/push/subscriptions", { endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth }, headers);
    }

    /** Posts as `who`, then waits until the server has sent everything it queued. */
    async function post(who: Visitor, room: number, body: string): Promise<number> {
      const id = await postedBy(server, who, room, body);
      await server.pushes.settled();
      return id;
    }

    /** Who got a push since `before` (counts per person), each of them checked for problems. */
    function counts(before: Record<string, number>): Record<string, number> {
      return Object.fromEntries(
        Object.entries(device).map(([name, browser]) => {
          assert.deepEqual(browser.problems, [], `${name}'s pushes verify and decrypt`);
          return [name, browser.received.length - (before[name] ?? 0)];
        }),
      );
    }
    const snapshot = () => Object.fromEntries(Object.entries(device).map(([name, b]) => [name, b.received.length]));
    const last = (name: string) => device[name]!.received.at(-1)!;

    async function setLevel(name: string, room: number, level: "everything" | "mentions" | "nothing" | "hidden" | null) {
      await server.deps.db
        .update(memberships)
        .set({ notificationLevel: level })
        .where(sql`${memberships.userId} = ${id[name]!} and ${memberships.roomId} = ${room}`);
    }

    before(async () => {
      service = await startPushService();
      server = await startTestServer(kind, {}, { pushAgent: service.agent });
      [alice, bob, carol, dave] = (await people(server.url, "alice", "bob", "carol", "dave")) as [Visitor, Visitor, Visitor, Visitor];
      for (const row of await server.deps.db.select({ id: users.id, username: users.username }).from(users)) id[row.username] = row.id;
      roomId = await alice.createRoom("Pushes");
      for (const who of [bob, carol, dave]) await who.joinRoom(roomId);
      for (const [name, who] of Object.entries({ alice, bob, carol, dave })) {
        device[name] = service.browser();
        assert.equal((await subscribe(who, device[name])).status, 204);
      }
    });
    after(async () => {
      pool.closeAll();
      await server.stop();
      await service.close();
    });

    test("the level decides who is told, never the author; what arrives is signed, encrypted and what they should see", async () => {
      await setLevel("bob", roomId, "everything");
      await setLevel("dave", roomId, "nothing");
      let before = snapshot();
      const first = await post(alice, roomId, "Lunch at noon, everyone?");
      // Carol is at the default for a room (mentions), and is not mentioned.
      assert.deepEqual(counts(before), { alice: 0, bob: 1, carol: 0, dave: 0 });
      const got = last("bob");
      assert.deepEqual(got.payload, {
        type: "message",
        title: "Alice in #Pushes",
        body: "Lunch at noon, everyone?",
        url: `/rooms/${roomId}/messages/${first}#message-${first}`,
        tag: `room-${roomId}`,
      });
      assert.equal(got.vapidKey, server.pushes.publicKey);
      assert.equal(got.claims.aud, service.origin);
      assert.equal(got.claims.sub, "mailto:admin@localhost");
      assert.equal(got.headers.topic, `room-${roomId}`);
      assert.equal(got.headers.ttl, "86400");
      assert.equal(got.headers.urgency, "normal");

      before = snapshot();
      await post(alice, roomId, `@carol and @dave: ${"x".repeat(200)}`);
      // Mentioned: Carol (mentions) is told; Dave (nothing) is not.
      assert.deepEqual(counts(before), { alice: 0, bob: 1, carol: 1, dave: 0 });
      assert.equal(last("carol").payload.body, `@carol and @dave: ${"x".repeat(200)}`.slice(0, 100));

      await setLevel("carol", roomId, "hidden");
      before = snapshot();
      await post(alice, roomId, "@carol again");
      assert.deepEqual(counts(before), { alice: 0, bob: 1, carol: 0, dave: 0 });
      await setLevel("carol", roomId, null);
    });

    test("a direct message is told at the default level, titled by its author", async () => {
      await alice.get("/people");
      const page = await alice.post("/conversations", { people: String(id.bob) });
      const direct = Number(/^\/rooms\/(\d+)$/.exec(page.location ?? "")![1]);
      const before = snapshot();
      await post(alice, direct, "Psst");
      assert.deepEqual(counts(before), { alice: 0, bob: 1, carol: 0, dave: 0 });
      assert.equal(last("bob").payload.title, "Alice");
      assert.equal(last("bob").payload.body, "Psst");
    });

    test("someone looking at a page is not told; once it is hidden for 60 s, they are", async () => {
      await setLevel("bob", roomId, "everything");
      const tab = await pool.open(bob);
      tab.ws.send(JSON.stringify({ signal: "visibility", visible: true }));
      await until(async () => (await lookingUntil(id.bob!)) !== null && (await lookingUntil(id.bob!))! > new Date());
      let before = snapshot();
      await post(alice, roomId, "while Bob looks");
      assert.equal(counts(before).bob, 0);

      const visibleUntil = (await lookingUntil(id.bob!))!;
      tab.ws.send(JSON.stringify({ signal: "visibility", visible: false }));
      // Hidden now: still looking for 60 s from the moment it went hidden.
      await until(async () => (await lookingUntil(id.bob!))! > visibleUntil);
      const hiddenUntil = (await lookingUntil(id.bob!))!;
      assert.ok(hiddenUntil.getTime() - Date.now() > 55_000 && hiddenUntil.getTime() - Date.now() <= 60_000);
      before = snapshot();
      await post(alice, roomId, "just after Bob looked away");
      assert.equal(counts(before).bob, 0);
      // 60 s later (set in the database rather than waited for).
      await server.deps.db
        .update(users)
        .set({ lookingUntil: sql`now() - interval '1 second'` })
        .where(eq(users.id, id.bob!));
      before = snapshot();
      await post(alice, roomId, "a minute later");
      assert.equal(counts(before).bob, 1);
      tab.close();
    });

    test("a closed page counts as hidden", async () => {
      const tab = await pool.open(carol);
      tab.ws.send(JSON.stringify({ signal: "visibility", visible: true }));
      await until(async () => (await lookingUntil(id.carol!)) !== null);
      const visibleUntil = (await lookingUntil(id.carol!))!;
      tab.close();
      await until(async () => (await lookingUntil(id.carol!))! > visibleUntil);
      await server.deps.db.update(users).set({ lookingUntil: null }).where(eq(users.id, id.carol!));
    });

    test("with message text turned off, a notification says only who and where", async () => {
      await setLevel("carol", roomId, "everything");
      await carol.get("/settings");
      assert.equal((await carol.post("/settings", { sidebarOrder: "activity", shareReadReceipts: "on" })).status, 303);
      const before = snapshot();
      await post(alice, roomId, "a secret plan");
      assert.equal(counts(before).carol, 1);
      assert.equal(last("carol").payload.title, "Alice in #Pushes");
      assert.equal(last("carol").payload.body, "New message");
      assert.doesNotMatch(JSON.stringify(last("carol").payload), /secret/);
      await carol.post("/settings", { sidebarOrder: "activity", shareReadReceipts: "on", notificationText: "on" });
      await setLevel("carol", roomId, null);
    });

    test("reading the room closes its notifications on every device", async () => {
      await setLevel("bob", roomId, "everything");
      const before = snapshot();
      await post(alice, roomId, "read me");
      assert.equal(counts(before).bob, 1);
      await bob.get(`/rooms/${roomId}`);
      assert.equal((await bob.post(`/rooms/${roomId}/read`)).status, 303);
      await server.pushes.settled();
      assert.deepEqual(last("bob").payload, { type: "close", tag: `room-${roomId}` });
      assert.equal(last("bob").headers.topic, `room-${roomId}`);
      // Nothing was unread any more: reading again sends nothing.
      const count = device.bob!.received.length;
      await bob.post(`/rooms/${roomId}/read`);
      await server.pushes.settled();
      assert.equal(device.bob!.received.length, count);
    });

    test("429 is retried (after its Retry-After) and then delivered; 410 removes the subscription", async () => {
      await setLevel("bob", roomId, "everything");
      await setLevel("carol", roomId, "everything");
      device.bob!.answers.push({ status: 429, headers: { "retry-after": "1" } }, { status: 503 });
      device.carol!.answers.push({ status: 410 });
      const before = snapshot();
      const started = Date.now();
      await post(alice, roomId, "eventually");
      const [carolSub] = await server.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, id.carol!));
      assert.equal(carolSub, undefined, "Carol's gone subscription is removed");
      await device.bob!.waitFor(before.bob! + 1, 10_000);
      assert.ok(Date.now() - started >= 1000, "the retry waited for Retry-After");
      assert.equal(last("bob").payload.body, "eventually");
      assert.deepEqual(await server.deps.db.select().from(pushJobs), []);
      // Carol turns them on again, for the tests after this one.
      device.carol = service.browser();
      assert.equal((await subscribe(carol, device.carol)).status, 204);
      await setLevel("carol", roomId, null);
    });

    test("a job is sent once even with two workers claiming at once", async () => {
      const [sub] = await server.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, id.dave!));
      const jobs = Array.from({ length: 60 }, (_, n) => ({
        subscriptionId: sub!.id,
        payload: JSON.stringify({ type: "message", title: `job ${n}` }),
      }));
      // Two more instances' workers on the same database (the server's own may claim some too).
      const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:test@localhost" };
      const workers = [1, 2].map(
        () => new PushWorker(server.deps.db, { vapid, concurrency: 4, log: pino({ level: "silent" }), agent: service.agent }),
      );
      const from = device.dave!.received.length;
      await server.deps.db.insert(pushJobs).values(jobs);
      for (const worker of workers) worker.queued();
      await Promise.all([...workers.map((w) => w.settled()), server.pushes.settled()]);
      const titles = device.dave!.received.slice(from).map((r) => String(r.payload.title));
      assert.deepEqual(titles.sort(), jobs.map((j) => (JSON.parse(j.payload) as { title: string }).title).sort());
      assert.deepEqual(device.dave!.problems, []);
      await Promise.all(workers.map((w) => w.stop()));
    });

    test("the test notification goes to each of one's devices", async () => {
      const before = snapshot();
      await alice.get("/settings");
      const page = await alice.post("/push/test");
      assert.equal(page.status, 303);
      assert.equal(page.location, "/settings?tested=1#device-notifications");
      await server.pushes.settled();
      assert.deepEqual(counts(before), { alice: 1, bob: 0, carol: 0, dave: 0 });
      assert.equal(last("alice").payload.title, "Parley");
      assert.match((await alice.get("/settings?tested=1")).html, /A test notification is on its way to your device\./);
    });

    test("subscribing and removing: CSRF, one's own only, listed in Settings", async () => {
      const browser = service.browser();
      // No token, then another site's request.
      assert.equal(
        (
          await bob.request("/push/subscriptions", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", origin: bob.origin },
            body: new URLSearchParams({ endpoint: browser.endpoint, p256dh: browser.p256dh, auth: browser.auth }),
          })
        ).status,
        403,
      );
      assert.equal((await subscribe(bob, browser, { origin: "https://evil.example" })).status, 403);
      assert.equal(
        (
          await subscribe(bob, browser, {
            "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
          })
        ).status,
        204,
      );
      const [row] = await server.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, browser.endpoint));
      assert.equal(row!.userId, id.bob);
      assert.equal(row!.label, "Chrome on Linux");
      const settings = (await bob.get("/settings")).html;
      assert.match(settings, /Chrome on Linux,/);
      // Without script the page says turning them on needs it; the button is for the script to show.
      assert.match(settings, /<p id="notify-needs-script">Turning notifications on needs JavaScript/);
      assert.match(settings, /<button id="notify-button" type="button" class="btn-primary" hidden>Notify me on this device<\/button>/);
      assert.match(settings, new RegExp(`data-vapid-key="${server.pushes.publicKey}"`));
      assert.match(settings, new RegExp(`action="/push/subscriptions/${row!.id}/delete"`));
      // Someone else's: not found, and still there.
      await carol.get("/settings");
      assert.equal((await carol.post(`/push/subscriptions/${row!.id}/delete`)).status, 404);
      assert.equal((await carol.post(`/push/subscriptions/nonsense/delete`)).status, 404);
      // The same browser subscribing for another account moves it there.
      assert.equal((await subscribe(carol, browser)).status, 204);
      const [moved] = await server.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, browser.endpoint));
      assert.equal(moved!.userId, id.carol);
      assert.equal(moved!.id, row!.id);
      await carol.get("/settings");
      const removed = await carol.post(`/push/subscriptions/${row!.id}/delete`);
      assert.equal(removed.status, 303);
      assert.equal(removed.location, "/settings?removed=1#device-notifications");
      assert.deepEqual(await server.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, row!.id)), []);
    });

    test("hostile subscriptions are refused with 4xx", async () => {
      const good = service.browser();
      const cases: Array<Record<string, string>> = [
        { endpoint: "javascript:alert(1)", p256dh: good.p256dh, auth: good.auth },
        { endpoint: "http://127.0.0.1:1/push", p256dh: good.p256dh, auth: good.auth },
        { endpoint: "https://user:pw@push.example/x", p256dh: good.p256dh, auth: good.auth },
        { endpoint: `https://push.example/${"a".repeat(2100)}`, p256dh: good.p256dh, auth: good.auth },
        { endpoint: good.endpoint, p256dh: "not base64!", auth: good.auth },
        { endpoint: good.endpoint, p256dh: good.auth, auth: good.auth },
        { endpoint: good.endpoint, p256dh: good.p256dh, auth: "" },
        { endpoint: good.endpoint, p256dh: good.p256dh },
        { endpoint: `${good.endpoint}\u0000`, p256dh: good.p256dh, auth: good.auth },
      ];
      await bob.get("/settings");
      for (const form of cases) {
        const page = await bob.post("/push/subscriptions", form);
        assert.ok(page.status >= 400 && page.status < 500, `${JSON.stringify(form).slice(0, 80)}: ${page.status}`);
      }
      const json = await bob.request("/push/subscriptions", {
        method: "POST",
        headers: { "content-type": "application/json", origin: bob.origin, "x-csrf-token": bob.csrf },
        body: JSON.stringify({ endpoint: good.endpoint, keys: { p256dh: good.p256dh, auth: good.auth } }),
      });
      assert.equal(json.status, 415);
      assert.deepEqual(await server.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, good.endpoint)), []);
    });

    async function lookingUntil(userId: number): Promise<Date | null> {
      const [row] = await server.deps.db.select({ at: users.lookingUntil }).from(users).where(eq(users.id, userId));
      return row!.at;
    }
  });
}

/** Polls the database until `done` (what a socket signal wrote is not told anywhere else), or fails after `ms`. */
async function until(done: () => Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, "the condition came true in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
