import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startServer } from "../../src/server.js";
import { Visitor } from "../support/client.js";

test("an unexpected failure renders the 500 page, logs it with the request id and shows no stack", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: "memory://",
    FILES_DIR: await mkdtemp(path.join(tmpdir(), "parley-files-")),
  });
  const running = await startServer(config, createLogger({ LOG_LEVEL: "info" }, sink));
  try {
    const v = new Visitor(running.url);
    await v.signUp("alice");
    await running.database.close();

    const page = await v.get("/rooms");
    assert.equal(page.status, 500);
    assert.match(page.html, /<h1[^>]*>Something went wrong<\/h1>/);
    assert.doesNotMatch(page.html, /\bat \w+ \(|Error:|node_modules/);
    const requestId = page.headers.get("x-request-id");
    assert.ok(requestId);
    const logged = lines.find((l) => l.msg === "request failed");
    assert.ok(logged, "the failure is logged");
    assert.equal((logged.req as { id?: string } | undefined)?.id, requestId);

    const everything = JSON.stringify(lines);
    assert.doesNotMatch(everything, /correct horse battery/, "passwords are never logged");
    assert.doesNotMatch(everything, /parley\.sid=s%3A/, "session cookies are redacted");

    const health = await fetch(running.url + "/healthz");
    assert.equal(health.status, 503);
  } finally {
    await running.stop().catch(() => {});
  }
});
