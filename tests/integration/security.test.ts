import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { count } from "drizzle-orm";
import { messages, rooms } from "../../src/db/schema.js";
import { Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

for (const kind of databaseKinds()) {
  describe(`request safety on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let roomId: number;
    before(async () => {
      server = await startTestServer(kind);
      alice = new Visitor(server.url);
      await alice.signUp("alice");
      roomId = await alice.createRoom("Guarded");
      await alice.openRoom(roomId);
    });
    after(() => server.stop());

    const totals = async () => ({
      messages: (await server.deps.db.select({ n: count() }).from(messages))[0]!.n,
      rooms: (await server.deps.db.select({ n: count() }).from(rooms))[0]!.n,
    });

    const forgeries: Array<[string, Record<string, string>, boolean]> = [
      ["a foreign Origin", { origin: "https://evil.example" }, true],
      ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }, true],
      ["no CSRF token", {}, false],
      ["a wrong CSRF token", { "x-csrf-token": "not-the-token" }, false],
    ];

    for (const [what, headers, withToken] of forgeries) {
      test(`a POST with ${what} is refused with 403 and changes nothing`, async () => {
        const before = await totals();
        const body = new URLSearchParams({ body: "forged", name: "forged room" });
        if (withToken) body.set("_csrf", alice.csrf);
        for (const path of [`/rooms/${roomId}/messages`, "/rooms"]) {
          const res = await alice.request(path, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", origin: alice.origin, ...headers },
            body,
          });
          assert.equal(res.status, 403, path);
          assert.match(res.html, /This form could not be accepted/);
        }
        assert.deepEqual(await totals(), before);
      });
    }

    test("the app's own form posts and htmx requests pass", async () => {
      const before = await totals();
      const form = await alice.post(`/rooms/${roomId}/messages`, { body: "from the form" }, { "sec-fetch-site": "same-origin" });
      assert.equal(form.status, 303);
      const htmx = await alice.request(`/rooms/${roomId}/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: alice.origin,
          "sec-fetch-site": "same-origin",
          "hx-request": "true",
          "x-csrf-token": alice.csrf,
        },
        body: new URLSearchParams({ body: "from htmx" }),
      });
      assert.equal(htmx.status, 204);
      assert.equal((await totals()).messages, before.messages + 2);
    });

    test("a same-origin POST that the browser sends with Origin: null passes; an unlabelled one does not", async () => {
      const sameOrigin = await alice.post(
        `/rooms/${roomId}/messages`,
        { body: "privacy browser" },
        { origin: "null", "sec-fetch-site": "same-origin" },
      );
      assert.equal(sameOrigin.status, 303);
      const unlabelled = await alice.post(`/rooms/${roomId}/messages`, { body: "sandboxed frame" }, { origin: "null" });
      assert.equal(unlabelled.status, 403);
    });

    test("the referrer policy keeps the Origin header on our own posts", async () => {
      const page = await alice.openRoom(roomId);
      assert.equal(page.headers.get("referrer-policy"), "same-origin");
    });

    test("pages carry a strict Content-Security-Policy and htmx is configured without eval", async () => {
      const page = await alice.openRoom(roomId);
      const csp = page.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      // The composer previews the files about to be sent from blob: URLs; nothing else is allowed more.
      assert.match(csp, /img-src 'self' data: blob:(;|$)/);
      assert.match(csp, /media-src 'self' blob:(;|$)/);
      assert.match(page.html, /<meta name="htmx-config" content='\{"allowEval":false/);
      assert.doesNotMatch(page.html, /<script>|hx-on|javascript:/);
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    });

    test("htmx and its WebSocket extension are served from this server", async () => {
      const page = await (await fetch(server.url + "/login")).text();
      const scripts = [...page.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
      assert.deepEqual(
        scripts.map((src) => src.replace(/^\/assets\/[0-9a-f]{12}\//, "")),
        ["vendor/htmx.min.js", "vendor/htmx-ext-ws.js", "app.js"],
      );
      for (const path of scripts) {
        const res = await fetch(server.url + path);
        assert.equal(res.status, 200, path);
        assert.match(res.headers.get("content-type") ?? "", /javascript/);
      }
      const htmx = await (await fetch(server.url + scripts[0]!)).text();
      assert.match(htmx, /version:"2\.\d+\.\d+"/);
    });

    test("health check and request ids", async () => {
      const res = await fetch(server.url + "/healthz");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "ok" });
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      const traced = await fetch(server.url + "/login", { headers: { "x-request-id": "trace-123" } });
      assert.equal(traced.headers.get("x-request-id"), "trace-123");
    });
  });
}
