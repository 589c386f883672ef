import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { people, type Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { getAsSent } from "../support/wire.js";

/** The /assets/ URLs a page links to: its styles, scripts and icons. */
const assetsOf = (html: string) => [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);

for (const kind of databaseKinds()) {
  describe(`what goes over the wire, on ${kind}`, () => {
    let server: TestServer;
    let alice: Visitor;
    let roomId: number;
    before(async () => {
      server = await startTestServer(kind);
      [alice] = (await people(server.url, "alice")) as [Visitor];
      roomId = await alice.createRoom("Wire");
      for (let i = 0; i < 20; i++) await alice.post(`/rooms/${roomId}/messages`, { body: `message number ${i}, with some words in it` });
    });
    after(() => server.stop());

    test("pages, styles and scripts come compressed, as brotli or gzip as the browser allows, and plain when it allows neither", async () => {
      const page = await alice.get(`/rooms/${roomId}`);
      const urls = [`/rooms/${roomId}`, ...assetsOf(page.html).filter((url) => /\.(css|js)$/.test(url))];
      assert.equal(urls.length, 5, "the page, its styles and its three scripts");
      let compressed = 0;
      for (const url of urls) {
        const cookie = { cookie: alice.cookie };
        const plain = await getAsSent(server.url + url, cookie);
        assert.equal(plain.status, 200, url);
        assert.equal(plain.headers["content-encoding"], undefined, url);
        for (const [accepted, encoding] of [
          ["gzip, deflate, br", "br"],
          ["gzip", "gzip"],
        ]) {
          const raw = await getAsSent(server.url + url, { ...cookie, "accept-encoding": accepted! });
          // Under a kilobyte, compressing saves less than it costs.
          if (plain.body.length < 1024) {
            assert.equal(raw.headers["content-encoding"], undefined, `${url}: ${plain.body.length} bytes`);
            continue;
          }
          assert.equal(raw.headers["content-encoding"], encoding, `${url} for ${accepted}`);
          assert.match(String(raw.headers.vary), /Accept-Encoding/i, url);
          assert.ok(raw.body.length < plain.body.length / 2, `${url}: ${raw.body.length} of ${plain.body.length} bytes`);
          compressed++;
          // A page has a fresh CSRF token each time; the rest must be the very same bytes.
          if (url.startsWith("/assets/")) assert.deepEqual(raw.decoded, plain.body, url);
          else assert.match(raw.text, /message number 19, with some words in it/);
        }
      }
      assert.ok(compressed >= 8, "the page, the styles and htmx, at least, each both ways");
    });

    test("static files are named by a version and kept a year; an older version's URL still answers, to be checked again", async () => {
      const urls = assetsOf((await alice.get(`/rooms/${roomId}`)).html);
      const [version] = new Set(urls.map((url) => url.split("/")[2]));
      assert.match(version!, /^[0-9a-f]{12}$/);
      for (const url of urls) {
        const res = await fetch(server.url + url);
        assert.equal(res.status, 200, url);
        assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable", url);
      }
      const css = urls.find((url) => url.endsWith("/app.css"))!;
      const older = await fetch(server.url + css.replace(version!, "000000000000"));
      assert.equal(older.status, 200);
      assert.equal(older.headers.get("cache-control"), "no-cache");
      assert.equal(await older.text(), await (await fetch(server.url + css)).text());
      // The page's modules import the contract relatively, so it is served under the version too.
      const dom = await fetch(`${server.url}/assets/${version}/js/dom.js`);
      assert.match(await dom.text(), /^export const dom = \{/);
      assert.equal(dom.headers.get("cache-control"), "public, max-age=31536000, immutable");
      for (const missing of [
        `/assets/${version}/no-such.js`,
        `/assets/${version}/%2e%2e/package.json`,
        `/assets/${version}/js/dom.d.ts`,
        "/assets/",
      ])
        assert.equal((await fetch(server.url + missing, { redirect: "manual" })).status, 404, missing);
    });

    test("an icon and a web app manifest, for visitors who are not logged in too", async () => {
      const favicon = await fetch(server.url + "/favicon.ico", { redirect: "manual" });
      assert.equal(favicon.status, 200);
      assert.match(favicon.headers.get("content-type") ?? "", /^image\/(x-icon|vnd\.microsoft\.icon)/);
      const login = await (await fetch(server.url + "/login")).text();
      assert.match(login, /<link rel="manifest" href="\/manifest\.webmanifest">/);
      assert.match(login, /<link rel="icon" href="\/assets\/[0-9a-f]{12}\/icons\/parley\.svg" type="image\/svg\+xml">/);
      const res = await fetch(server.url + "/manifest.webmanifest");
      assert.match(res.headers.get("content-type") ?? "", /^application\/manifest\+json/);
      const manifest = (await res.json()) as {
        name: string;
        start_url: string;
        display: string;
        icons: Array<{ src: string; sizes: string; type: string }>;
      };
      assert.equal(manifest.name, "Parley");
      assert.equal(manifest.start_url, "/");
      assert.equal(manifest.display, "standalone");
      assert.ok(manifest.icons.some((icon) => icon.sizes === "512x512") && manifest.icons.some((icon) => icon.sizes === "192x192"));
      for (const icon of manifest.icons) {
        const image = await fetch(server.url + icon.src);
        assert.equal(image.status, 200, icon.src);
        assert.equal(image.headers.get("content-type")?.split(";")[0], icon.type, icon.src);
      }
    });
  });
}
