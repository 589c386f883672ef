import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.js";

test("defaults give the embedded database on port 3000", () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 3000);
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.DATA_DIR, "./data");
  assert.equal(config.FILES_DIR, "./data/uploads");
  assert.equal(config.UPLOAD_MAX_IMAGE_MB, 20);
  assert.equal(config.UPLOAD_MAX_VIDEO_MB, 200);
  assert.equal(config.TRUST_PROXY, false);
  assert.equal(loadConfig({ TRUST_PROXY: "1" }).TRUST_PROXY, 1);
  assert.equal(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY, "loopback, 10.0.0.0/8");
});

test("every bad variable is named in one error", () => {
  assert.throws(
    () => loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", SESSION_SECRET: "short", TRUST_PROXY: "true" }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const name of ["PORT", "DATABASE_URL", "SESSION_SECRET", "TRUST_PROXY"]) assert.match(err.message, new RegExp(name));
      assert.match(err.message, /must start with postgres:\/\//);
      return true;
    },
  );
});

test("empty variables count as unset, and PUBLIC_ORIGIN is reduced to an origin", () => {
  const config = loadConfig({ DATABASE_URL: "", PUBLIC_ORIGIN: "https://chat.example.org/some/path" });
  assert.equal(config.DATABASE_URL, undefined);
  assert.equal(config.PUBLIC_ORIGIN, "https://chat.example.org");
});

test("an in-memory database still needs a real folder for uploads", () => {
  assert.throws(() => loadConfig({ DATA_DIR: "memory://" }), /FILES_DIR: is required when DATA_DIR is in memory/);
  assert.equal(loadConfig({ DATA_DIR: "memory://", FILES_DIR: "/tmp/x" }).FILES_DIR, "/tmp/x");
});

test("database timeouts default to seconds and must be positive whole milliseconds", () => {
  const config = loadConfig({});
  assert.equal(config.DATABASE_CONNECT_TIMEOUT_MS, 5000);
  assert.equal(config.DATABASE_QUERY_TIMEOUT_MS, 10000);
  assert.equal(config.HEALTH_CHECK_TIMEOUT_MS, 2000);
  assert.throws(
    () => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: "0", DATABASE_QUERY_TIMEOUT_MS: "ten", HEALTH_CHECK_TIMEOUT_MS: "1.5" }),
    (err: unknown) => {
      for (const name of ["DATABASE_CONNECT_TIMEOUT_MS", "DATABASE_QUERY_TIMEOUT_MS", "HEALTH_CHECK_TIMEOUT_MS"])
        assert.match(String(err), new RegExp(name));
      return true;
    },
  );
});

test("registration is invite-only unless REGISTRATION=open", () => {
  assert.equal(loadConfig({}).REGISTRATION, "invite");
  assert.equal(loadConfig({ REGISTRATION: "open" }).REGISTRATION, "open");
  assert.throws(() => loadConfig({ REGISTRATION: "anyone" }), /REGISTRATION/);
});
