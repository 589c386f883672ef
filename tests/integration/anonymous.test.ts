import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { count } from "drizzle-orm";
import { sessions, users } from "../../src/db/schema.js";
import { people, Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

for (const kind of databaseKinds()) {
  describe(`logged-out visitors on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
      await people(server.url, "owner");
    });
    after(() => server.stop());

    const stored = async () => (await server.deps.db.select({ n: count() }).from(sessions))[0]!.n;
    const accounts = async () => (await server.deps.db.select({ n: count() }).from(users))[0]!.n;

    test("opening the log-in and sign-up forms stores no session", async () => {
      const before = await stored();
      for (let i = 0; i < 100; i++) {
        for (const path of ["/login", "/signup"]) {
          const res = await fetch(server.url + path);
          assert.equal(res.status, 200, path);
          const cookies = res.headers.getSetCookie();
          assert.ok(
            cookies.every((c) => !c.startsWith("parley.sid=")),
            `${path} sets no session cookie`,
          );
          assert.match(cookies.join("\n"), /^parley\.csrf=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/m);
          await res.text();
        }
      }
      assert.equal(await stored(), before);
    });

    test("the log-in form works with its cookie and token, and then a session is stored", async () => {
      const before = await stored();
      const v = new Visitor(server.url);
      const login = await v.logIn("owner");
      assert.equal(login.status, 303);
      assert.equal(await stored(), before + 1);
      assert.equal((await v.get("/rooms")).status, 200);
    });

    test("a logged-out form post with a missing, forged or another visitor's token is refused with 403", async () => {
      const mallory = new Visitor(server.url);
      await mallory.get("/login");
      const victim = new Visitor(server.url);
      await victim.get("/login");
      assert.notEqual(mallory.csrf, victim.csrf);
      const attempts: Array<[string, string, string]> = [
        ["no token", victim.cookie, ""],
        ["a forged token", victim.cookie, "A".repeat(43)],
        ["another visitor's token", victim.cookie, mallory.csrf],
        ["a token without its cookie", "", victim.csrf],
      ];
      for (const [what, cookie, token] of attempts) {
        for (const [path, form] of [
          ["/login", { username: "owner", password: "correct horse battery" }],
          ["/signup", { username: `forged${what.length}`, displayName: "F", password: "correct horse battery" }],
        ] as const) {
          const before = { sessions: await stored(), accounts: await accounts() };
          const res = await fetch(server.url + path, {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded", origin: victim.origin, cookie },
            body: new URLSearchParams({ _csrf: token, ...form }),
          });
          assert.equal(res.status, 403, `${what} on ${path}`);
          assert.match(await res.text(), /This form could not be accepted/);
          assert.deepEqual({ sessions: await stored(), accounts: await accounts() }, before, what);
        }
      }
    });

    test("a logged-in session's token is its own, and the logged-out token does not stand in for it", async () => {
      const owner = new Visitor(server.url);
      await owner.get("/login");
      const anonymousToken = owner.csrf;
      await owner.post("/login", { username: "owner", password: "correct horse battery" });
      await owner.get("/rooms/new");
      assert.notEqual(owner.csrf, anonymousToken);
      assert.equal((await owner.post("/rooms", { name: "with the old token", _csrf: anonymousToken })).status, 403);
      assert.equal((await owner.post("/rooms", { name: "with the session token" })).status, 303);
    });
  });

  describe(`response headers on ${kind}`, () => {
    let server: TestServer;
    let owner: Visitor;
    before(async () => {
      server = await startTestServer(kind, { TRUST_PROXY: "loopback" });
      owner = (await people(server.url, "owner"))[0]!;
    });
    after(() => server.stop());

    test("HSTS is sent over HTTPS behind a trusted proxy, and not over plain HTTP", async () => {
      const https = await owner.get("/rooms", { "x-forwarded-proto": "https" });
      assert.equal(https.headers.get("strict-transport-security"), "max-age=15552000; includeSubDomains");
      const login = await fetch(server.url + "/login", { headers: { "x-forwarded-proto": "https" } });
      assert.equal(login.headers.get("strict-transport-security"), "max-age=15552000; includeSubDomains");
      const plain = await owner.get("/rooms");
      assert.equal(plain.headers.get("strict-transport-security"), null);
    });

    test("HSTS is not sent when the proxy is not trusted", async () => {
      const untrusted = await startTestServer(kind);
      try {
        const res = await fetch(untrusted.url + "/login", { headers: { "x-forwarded-proto": "https" } });
        assert.equal(res.headers.get("strict-transport-security"), null);
      } finally {
        await untrusted.stop();
      }
    });

    test("everything that depends on the session is private and never stored; static assets keep their caching", async () => {
      const roomId = await owner.createRoom("Cached");
      for (const path of [`/rooms/${roomId}`, "/rooms", "/settings", "/people", "/no-such-page"]) {
        assert.equal((await owner.get(path)).headers.get("cache-control"), "private, no-store", path);
      }
      assert.equal((await fetch(server.url + "/login")).headers.get("cache-control"), "private, no-store");
      assert.equal((await fetch(server.url + "/rooms", { redirect: "manual" })).headers.get("cache-control"), "private, no-store");
      const page = (await fetch(server.url + "/login")).text();
      const assets = [...(await page).matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      assert.ok(assets.length >= 4, "the page's styles, scripts and icons");
      for (const path of assets) {
        assert.equal((await fetch(server.url + path)).headers.get("cache-control"), "public, max-age=31536000, immutable", path);
      }
    });

    test("the Origin check compares the scheme too: an http:// page cannot post to the https:// site", async () => {
      const host = new URL(server.url).host;
      await owner.get("/rooms/new");
      const fromHttp = await owner.post("/rooms", { name: "from http" }, { "x-forwarded-proto": "https", origin: `http://${host}` });
      assert.equal(fromHttp.status, 403);
      const fromHttps = await owner.post("/rooms", { name: "from https" }, { "x-forwarded-proto": "https", origin: `https://${host}` });
      assert.equal(fromHttps.status, 303);
      const plain = await owner.post("/rooms", { name: "plain" }, { origin: `https://${host}` });
      assert.equal(plain.status, 403, "an https:// Origin on a plain HTTP request");
    });

    test("the WebSocket upgrade compares the scheme too", async () => {
      const host = new URL(server.url).host;
      await owner.get("/rooms");
      const fromHttp = owner.socket(undefined, { "x-forwarded-proto": "https", origin: `http://${host}` });
      assert.equal(await Promise.race([fromHttp.refused, fromHttp.opened.then(() => 101)]), 403);
      fromHttp.close();
      const ok = owner.socket(undefined, { "x-forwarded-proto": "https", origin: `https://${host}` });
      await ok.opened;
      ok.close();
    });
  });
}
