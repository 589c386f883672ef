import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { createPool, isDatabaseUnavailable } from "../../src/db/pool.js";
import { createLogger } from "../../src/logger.js";
import { startServer } from "../../src/server.js";
import { Visitor } from "../support/client.js";
import { freshPostgresDatabase, postgresUrl } from "../support/databases.js";
import { FreezingProxy, silentServer } from "../support/frozen.js";
import { startTestServer, type TestServer } from "../support/server.js";

// Small timeouts, so that each wait below is bounded by seconds.
const timeouts = { DATABASE_CONNECT_TIMEOUT_MS: "1000", DATABASE_QUERY_TIMEOUT_MS: "1000", HEALTH_CHECK_TIMEOUT_MS: "1000" };

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe("start-up against a PostgreSQL that never answers", () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let filesDir: string;
  before(async () => {
    silent = await silentServer();
    filesDir = await mkdtemp(path.join(tmpdir(), "parley-files-"));
  });
  after(async () => {
    await silent.close();
    await rm(filesDir, { recursive: true, force: true });
  });

  test("startServer gives up within the connect timeout, naming host, port and database", { timeout: 10_000 }, async () => {
    const config = loadConfig({
      DATABASE_URL: `postgres://parley:secret@127.0.0.1:${silent.port}/chat`,
      DATA_DIR: "memory://",
      FILES_DIR: filesDir,
      PORT: "0",
      ...timeouts,
    });
    const { value: err, ms } = await timed(() =>
      startServer(config, createLogger({ LOG_LEVEL: "silent" })).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    assert.ok(err instanceof Error, "start-up fails");
    assert.equal(
      err.message,
      `Cannot reach PostgreSQL at 127.0.0.1:${silent.port}/chat (no answer within 1000 ms). Check that the server is running, ` +
        "that DATABASE_URL names the right host, port, database and user, and that this machine may connect.",
    );
    assert.ok(ms < 3000, `gave up after ${Math.round(ms)} ms`);
  });

  test("the parley process prints one line and exits with code 1", { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: `postgres://parley@127.0.0.1:${silent.port}/chat`,
        DATA_DIR: "memory://",
        FILES_DIR: filesDir,
        PORT: "0",
        ...timeouts,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(killer);
    assert.equal(code, 1, `exit code (stderr: ${stderr})`);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      new RegExp(`^Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${silent.port}/chat \\(no answer within 1000 ms\\)\\. [^\\n]+\\n$`),
    );
  });
});

const onPostgres = { skip: postgresUrl ? false : "needs DATABASE_URL (real PostgreSQL)" };

describe("PostgreSQL freezing while Parley runs", onPostgres, () => {
  const target = postgresUrl ? new URL(postgresUrl) : undefined;
  let proxy: Awaited<ReturnType<typeof FreezingProxy.start>>;
  const throughProxy = (url: string) => {
    const proxied = new URL(url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    return proxied.toString();
  };
  before(async () => {
    proxy = await FreezingProxy.start({ host: target!.hostname, port: Number(target!.port || 5432) });
  });
  after(() => proxy.close());

  test("pages, posts, sockets and /healthz answer 503 fast, and all is well after", { timeout: 30_000 }, async () => {
    let server: TestServer | undefined;
    try {
      server = await startTestServer("postgres", timeouts, { route: throughProxy });
      const alice = new Visitor(server.url);
      await alice.signUp("alice");
      const roomId = await alice.createRoom("ops");
      assert.equal((await fetch(server.url + "/healthz")).status, 200);

      proxy.freeze();
      const health = await timed(() => fetch(server!.url + "/healthz"));
      assert.equal(health.value.status, 503);
      assert.deepEqual(await health.value.json(), { status: "unavailable" });
      assert.ok(health.ms < 1500, `/healthz took ${Math.round(health.ms)} ms`);

      const page = await timed(() => alice.openRoom(roomId));
      assert.equal(page.value.status, 503);
      assert.match(page.value.html, /<h1[^>]*>Parley cannot reach its database right now<\/h1>/);
      // A query is given up on after 1.5 s; waiting for a connection adds at most 1 s.
      assert.ok(page.ms < 3000, `the room page took ${Math.round(page.ms)} ms`);

      const post = await timed(() => alice.post(`/rooms/${roomId}/messages`, { body: "during the freeze" }));
      assert.equal(post.value.status, 503);
      assert.ok(post.ms < 3000, `the post took ${Math.round(post.ms)} ms`);

      const refused = alice.socket(roomId);
      const upgrade = await timed(() => refused.refused);
      assert.equal(upgrade.value, 503);
      assert.ok(upgrade.ms < 3000, `the upgrade took ${Math.round(upgrade.ms)} ms`);

      proxy.thaw();
      assert.equal((await fetch(server.url + "/healthz")).status, 200);
      assert.equal((await alice.openRoom(roomId)).status, 200);
      assert.equal((await alice.post(`/rooms/${roomId}/messages`, { body: "after the freeze" })).status, 303);
      const live = alice.socket(roomId);
      await live.opened;
      live.close();
      assert.match((await alice.openRoom(roomId)).html, /after the freeze/);
    } finally {
      proxy.thaw();
      await server?.stop();
    }
  });

  test("a freeze during transactions does not use up the pool for good", { timeout: 15_000 }, async () => {
    const fresh = await freshPostgresDatabase();
    const database = await openDatabase({
      url: throughProxy(fresh.url),
      dataDir: "memory://",
      timeouts: { connectMs: 1000, queryMs: 500 },
    });
    try {
      // Ten open connections (the pool's size), each then lent to a transaction whose `begin` gets no answer.
      await Promise.all(Array.from({ length: 10 }, () => database.db.execute(sql`select pg_sleep(0.05)`)));
      proxy.freeze();
      const failures = await Promise.allSettled(
        Array.from({ length: 10 }, () => database.db.transaction((tx) => tx.execute(sql`select 1`))),
      );
      for (const failure of failures) {
        assert.equal(failure.status, "rejected");
        assert.ok(isDatabaseUnavailable(failure.reason), String(failure.reason));
      }
      proxy.thaw();
      const answered = await timed(() => database.db.execute(sql`select 1 as one`));
      assert.deepEqual((answered.value as { rows: unknown[] }).rows, [{ one: 1 }]);
      assert.ok(answered.ms < 500, `the first query after the freeze took ${Math.round(answered.ms)} ms`);
    } finally {
      proxy.thaw();
      await database.close();
      await fresh.drop();
    }
  });

  test("start-up gives up with one clear line when PostgreSQL freezes during migration", { timeout: 15_000 }, async () => {
    proxy.freezeOn("__drizzle_migrations");
    try {
      const started = performance.now();
      await assert.rejects(startTestServer("postgres", timeouts, { route: throughProxy }), (err: unknown) => {
        assert.match(
          (err as Error).message,
          /^PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/parley_test_\w+ stopped answering while Parley was updating its tables \(no answer to a query within 1500 ms\)\. [^\n]+$/,
        );
        return true;
      });
      assert.ok(performance.now() - started < 5000);
    } finally {
      proxy.thaw();
    }
  });
});

describe("Parley's sessions on PostgreSQL", onPostgres, () => {
  test("are bounded by statement_timeout and never JIT-compile a query", async () => {
    const pool = createPool(postgresUrl!, { connectMs: 5_000, queryMs: 7_000 });
    try {
      const { rows } = await pool.query<{ jit: string; timeout: string }>(
        "select current_setting('jit') as jit, current_setting('statement_timeout') as timeout",
      );
      assert.deepEqual(rows, [{ jit: "off", timeout: "7s" }]);
    } finally {
      await pool.end();
    }
  });
});
