import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
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

async function make(file: string): Promise<Blob> {
  const database = await openDatabase({ dataDir: "memory://" });
  try {
    await migrate(database);
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir("none");
    // Written aside and renamed, so that a test file running alongside never reads half of it.
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  } finally {
    await database.close();
  }
}

let template: Promise<Blob> | undefined;

/**
 * An embedded database with every migration applied, for test servers to load instead of creating
 * one: creating a PGlite runs initdb, seconds on two busy cores, and loading a copy takes a fraction
 * of that. It is made once and kept in the temporary folder under a name that changes with the
 * migrations, src/db/migrate.ts and the PGlite and drizzle-orm versions, so every test process
 * (and later runs) share it while those stay the same. A server still migrates what it loads;
 * tests/integration/migrations.test.ts starts servers on empty databases.
 */
export function migratedPglite(): Promise<Blob> {
  template ??= (async () => {
    const file = path.join(tmpdir(), `parley-test-pglite-${madeFrom()}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch {
      return make(file);
    }
  })();
  return template;
}
