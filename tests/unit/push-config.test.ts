import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import webpush from "web-push";
import { ConfigError, loadConfig } from "../../src/config.js";
import { vapidOf } from "../../src/push/vapid.js";
import { deviceLabel } from "../../src/web/device-label.js";

const keys = webpush.generateVAPIDKeys();

test("VAPID keys come both or neither, well formed; the subject is mailto: or https:, by default the https origin", () => {
  assert.throws(
    () => loadConfig({ VAPID_PUBLIC_KEY: keys.publicKey }),
    /VAPID_PRIVATE_KEY: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are given together/,
  );
  assert.throws(
    () => loadConfig({ VAPID_PUBLIC_KEY: "short", VAPID_PRIVATE_KEY: "x", VAPID_SUBJECT: "admin@example.org", PUSH_CONCURRENCY: "0" }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const name of ["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT", "PUSH_CONCURRENCY"])
        assert.match(err.message, new RegExp(name));
      return true;
    },
  );
  const given = loadConfig({
    VAPID_PUBLIC_KEY: keys.publicKey,
    VAPID_PRIVATE_KEY: keys.privateKey,
    VAPID_SUBJECT: "mailto:ops@example.org",
  });
  assert.equal(given.VAPID_SUBJECT, "mailto:ops@example.org");
  assert.equal(given.PUSH_CONCURRENCY, 4);
  assert.equal(loadConfig({ PUBLIC_ORIGIN: "https://chat.example.org/x" }).VAPID_SUBJECT, "https://chat.example.org");
  assert.equal(loadConfig({ PUBLIC_ORIGIN: "http://localhost:3000" }).VAPID_SUBJECT, "mailto:admin@localhost");
});

test("without keys in the configuration a pair is made once into the data folder and kept", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "parley-vapid-"));
  try {
    const config = loadConfig({ DATA_DIR: dir });
    const [a, b] = await Promise.all([vapidOf(config), vapidOf(config)]);
    assert.match(a.publicKey, /^[\w-]{87}$/);
    assert.deepEqual(b, a, "two processes starting together agree");
    assert.deepEqual(await vapidOf(config), a, "a restart keeps them");
    assert.equal((await stat(path.join(dir, "vapid-keys.json"))).mode & 0o777, 0o600);
    assert.match(await readFile(path.join(dir, "vapid-keys.json"), "utf8"), new RegExp(a.privateKey));
    const configured = await vapidOf(loadConfig({ DATA_DIR: dir, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey }));
    assert.equal(configured.publicKey, keys.publicKey);
    const memory = loadConfig({ DATA_DIR: "memory://", FILES_DIR: dir });
    assert.notEqual((await vapidOf(memory)).publicKey, (await vapidOf(memory)).publicKey);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a device is named from its User-Agent as people say it", () => {
  const cases: Array<[string | undefined, string]> = [
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Edge on Windows",
    ],
    ["Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox on Android"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Safari on iOS",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
      "Safari on macOS",
    ],
    [undefined, "A browser"],
  ];
  for (const [ua, label] of cases) assert.equal(deviceLabel(ua), label);
});
