import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { DatabaseUnavailableError, openDatabase, type Database } from "../../src/db/client.js";
import { MIGRATION_LOCK_KEY, migrate } from "../../src/db/migrate.js";
import { databaseKinds, freshPostgresDatabase } from "../support/databases.js";

const journal = JSON.parse(await readFile(new URL("../../drizzle/meta/_journal.json", import.meta.url), "utf8")) as { entries: unknown[] };

const skip = databaseKinds().includes("postgres")
  ? false
  : "needs DATABASE_URL: on PGlite one process owns the database, so migrations take no lock";

const INSTANCES = 4;

/** A new, empty database, and what was opened on it, closed and dropped afterwards. */
async function emptyDatabase(): Promise<{ url: string; open: () => Promise<Database>; done: () => Promise<void> }> {
  const fresh = await freshPostgresDatabase();
  const opened: Database[] = [];
  return {
    url: fresh.url,
    async open() {
      const database = await openDatabase({ url: fresh.url, dataDir: "memory://" });
      opened.push(database);
      return database;
    },
    async done() {
      await Promise.all(opened.map((d) => d.close()));
      await fresh.drop();
    },
  };
}

async function rows<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Whether another session could take the migration lock now (and lets go of it at once). */
async function lockIsFree(url: string): Promise<boolean> {
  const [row] = await rows<{ free: boolean }>(url, "select pg_try_advisory_lock($1::bigint) as free", [MIGRATION_LOCK_KEY]);
  return row!.free;
}

describe("start-up migrations on one PostgreSQL database", { skip }, () => {
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  before(async () => {
    db = await emptyDatabase();
  });
  after(() => db?.done());

  test(`${INSTANCES} instances migrating at the same moment all succeed, and each migration is applied once`, async () => {
    // Each instance has a pool of its own, as separate processes do.
    const instances = await Promise.all(Array.from({ length: INSTANCES }, () => db.open()));
    await Promise.all(instances.map((database) => migrate(database)));

    const applied = await rows<{ hash: string }>(db.url, "select hash from drizzle.__drizzle_migrations order by id");
    assert.equal(applied.length, journal.entries.length, "one row per migration");
    assert.equal(new Set(applied.map((r) => r.hash)).size, applied.length, "no migration recorded twice");
    assert.ok(await lockIsFree(db.url), "every instance let go of the lock");

    // A restart later finds nothing to do.
    await migrate(instances[0]!);
    assert.equal((await rows(db.url, "select 1 from drizzle.__drizzle_migrations")).length, journal.entries.length);
  });
});

describe("the migration lock on PostgreSQL", { skip }, () => {
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  let holder: pg.Client;
  before(async () => {
    db = await emptyDatabase();
    holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
  });
  after(async () => {
    await holder?.end();
    await db?.done();
  });

  test("a start waits for the lock only so long, then says what holds it and what to check", async () => {
    await holder.query("select pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    const database = await db.open();
    const started = Date.now();
    await assert.rejects(migrate(database, { lockWaitMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof DatabaseUnavailableError, String(err));
      assert.match(
        err.message,
        /^Waited 0\.3 s for another process to finish updating Parley's tables in PostgreSQL at postgres:\/\/127\.0\.0\.1:\d+\/parley_test_\w+ \(/,
      );
      assert.match(err.message, new RegExp(`advisory lock ${MIGRATION_LOCK_KEY}\\b`));
      assert.match(err.message, /pg_locks where locktype = 'advisory' and classid = 28769 and objid = 1919706489/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, "gave up near its deadline");
    const [count] = await rows<{ n: number }>(
      db.url,
      "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
    );
    assert.equal(count!.n, 0, "migrated nothing without the lock");

    // Once the holder lets go, a waiting start goes on.
    const waiting = migrate(database, { lockWaitMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await holder.query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
    await waiting;
    assert.equal((await rows(db.url, "select 1 from drizzle.__drizzle_migrations")).length, journal.entries.length);
    assert.ok(await lockIsFree(db.url));
  });

  test("a migration that fails lets go of the lock", async () => {
    const broken = await emptyDatabase();
    try {
      // The first migration creates "memberships": one already there makes it fail.
      await rows(broken.url, "create table memberships (x int)");
      await assert.rejects(migrate(await broken.open()), /memberships/);
      assert.ok(await lockIsFree(broken.url), "the lock is free for the next start");
      assert.equal((await rows(broken.url, "select 1 from drizzle.__drizzle_migrations")).length, 0, "nothing recorded as applied");
    } finally {
      await broken.done();
    }
  });
});
