import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { Visitor } from "../support/client.js";
import { databaseKinds } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const journal = JSON.parse(await readFile(new URL("../../drizzle/meta/_journal.json", import.meta.url), "utf8")) as { entries: unknown[] };

/** The tables, columns, indexes and applied migrations of a server's database, in a stable order. */
async function shape(server: TestServer): Promise<unknown[]> {
  const { db } = server.database;
  const rows = async (query: ReturnType<typeof sql>) => {
    // PGlite's and pg's results differ in type, not in `rows`.
    const result: unknown = await db.execute(query);
    return (result as { rows: unknown[] }).rows;
  };
  return [
    await rows(sql`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
      where table_schema = 'public' order by table_name, column_name`),
    await rows(sql`select indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`),
    await rows(sql`select hash, created_at from drizzle.__drizzle_migrations order by id`),
  ];
}

// Most test servers on PGlite load a database migrated once for the whole run (tests/support/pglite.ts);
// these start on an empty one, as a first `npm start` does, so the migrations themselves are tested.
for (const kind of databaseKinds()) {
  describe(`migrations on ${kind}`, () => {
    let empty: TestServer;
    before(async () => {
      empty = await startTestServer(kind, {}, { empty: true });
    });
    after(() => empty.stop());

    test("a first start on an empty database applies every migration, and the app works on it", async () => {
      const [, , applied] = await shape(empty);
      assert.equal((applied as unknown[]).length, journal.entries.length);
      const visitor = new Visitor(empty.url);
      assert.equal((await visitor.signUp("first")).status, 303);
      assert.equal((await visitor.get("/rooms")).status, 200);
    });

    test("the database other test servers load has the shape an empty one migrates to", async () => {
      const loaded = await startTestServer(kind);
      try {
        assert.deepEqual(await shape(loaded), await shape(empty));
      } finally {
        await loaded.stop();
      }
    });
  });
}
