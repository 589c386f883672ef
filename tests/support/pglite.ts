import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../../src/db/client.js";
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
  for (const name of ["@electric-sql/pglite", "drizzle-orm"]) hash.update(readFileSync(path.join(root, "node_modules", name, "package.json")));
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
