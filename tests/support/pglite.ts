import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, pgliteDatabase, type Database } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Everything the migrated database depends on: the migrations and the code that applies them. */
function madeFrom(): string {
  const hash = createHash("sha256");
  const migrations = path.join(root, "drizzle");
  for (const file of readdirSync(migrations, { recursive: true, encoding: "utf8" }).sort()) {
    if (!file.endsWith(".sql") && !file.endsWith(".json")) continue;
    hash.update(file).update(readFileSync(path.join(migrations, file)));
  }
  hash.update(readFileSync(path.join(root, "src/db/migrate.ts")));
  for (const name of ["@electric-sql/pglite", "drizzle-orm"])
    hash.update(readFileSync(path.join(root, "node_modules", name, "package.json")));
  return hash.digest("hex").slice(0, 16);
}

/** Creates the template in `file`: a new embedded database, migrated, its data directory dumped. */
async function make(file: string): Promise<void> {
  const database = await openDatabase({ dataDir: "memory://" });
  try {
    await migrate(database);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir("none");
    // Written aside and renamed, so that a test file running alongside never reads half of it.
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await database.close();
  }
}

let template: Promise<string> | undefined;

/**
 * A tarball of an embedded database with every migration applied (`dumpDataDir`), for test servers
 * (and the benchmarks' smoke runs) to load instead of creating one: creating a PGlite runs initdb,
 * seconds of CPU, and loading a copy takes a fraction of that. It is made once and kept in the
 * temporary folder under a name that changes with the migrations, src/db/migrate.ts and the PGlite
 * and drizzle-orm versions, so every test process (and later runs) share it while those stay the
 * same. A server still migrates what it loads; tests/integration/migrations.test.ts starts servers
 * on empty databases and compares the two.
 */
export function migratedPgliteFile(): Promise<string> {
  template ??= (async () => {
    const file = path.join(tmpdir(), `parley-test-pglite-${madeFrom()}.tar`);
    if (!existsSync(file)) await make(file);
    return file;
  })();
  return template;
}

let loaded: Promise<Blob> | undefined;

/** The template of `migratedPgliteFile`, read once per process. */
export function migratedPglite(): Promise<Blob> {
  loaded ??= migratedPgliteFile().then(async (file) => new Blob([await readFile(file)]));
  return loaded;
}

/** Databases that test servers of this process have closed, emptied, for the next ones. */
const idle = new Set<PGlite>();

/**
 * How long an emptied database waits for the next server. Then it is closed: Postgres keeps a timer
 * running in an open one, which would keep the test process from ending.
 */
const KEPT_MS = 1000;

/**
 * A migrated embedded database for a test server. Loading the template still costs a second of CPU
 * (PGlite starts Postgres), and a process runs dozens of servers (tests/support/shard.ts), so a
 * server's `close()` empties its database (every table truncated, identities restarted: as loaded
 * from the template) and keeps it for the next server of this process. One whose schema a test
 * changed (a trigger that counts updates, say), or that cannot be emptied (a test closed it), is
 * closed for good instead.
 */
export async function pooledPglite(): Promise<Database> {
  const [kept] = idle;
  if (kept) idle.delete(kept);
  const client = kept ?? (await loadTemplate());
  return pgliteDatabase(client, "memory://", async () => {
    try {
      if ((await schemaOf(client)) !== (await loadedSchema)) throw new Error("a test changed the schema");
      await empty(client);
    } catch {
      await client.close().catch(() => {});
      return;
    }
    idle.add(client);
    setTimeout(() => {
      if (idle.delete(client)) void client.close();
    }, KEPT_MS).unref();
  });
}

// Every object a test could add or change, outside the catalogs: schemas, relations (tables, indexes,
// sequences, views), columns, constraints, triggers and functions.
const SCHEMA = `
  select string_agg(line, E'\n' order by line) as schema from (
    select 'schema ' || nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'
    union all select format('relation %s.%s %s', n.nspname, c.relname, c.relkind) from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    union all select format('column %s %s %s %s %s', a.attrelid::regclass, a.attname, a.atttypid::regtype, a.attnotnull, a.atthasdef)
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and a.attnum > 0 and not a.attisdropped
    union all select format('constraint %s %s', conrelid::regclass, conname) from pg_constraint
      where connamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    union all select format('trigger %s %s', tgrelid::regclass, tgname) from pg_trigger where not tgisinternal
    union all select format('function %s', p.oid::regprocedure) from pg_proc p
      where p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  ) as objects(line)`;

async function schemaOf(client: PGlite): Promise<string> {
  return (await client.query<{ schema: string }>(SCHEMA)).rows[0]!.schema;
}

/** The schema of the template as loaded, read from the first database this process loads. */
let loadedSchema: Promise<string> | undefined;

async function loadTemplate(): Promise<PGlite> {
  const client = await PGlite.create("memory://", { loadDataDir: await migratedPglite() });
  loadedSchema ??= schemaOf(client);
  await loadedSchema;
  return client;
}

async function empty(client: PGlite): Promise<void> {
  const { rows } = await client.query<{ name: string }>("select quote_ident(tablename) as name from pg_tables where schemaname = 'public'");
  await client.exec(`truncate ${rows.map((r) => r.name).join(", ")} restart identity cascade`);
}
