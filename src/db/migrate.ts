import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { DatabaseUnavailableError, type Database } from "./client.js";

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

export async function migrate(database: Database): Promise<void> {
  // Both migrators read the same folder; they differ only in the driver type they accept.
  const run = database.kind === "pglite" ? migratePglite : migratePg;
  try {
    await run(database.db as never, { migrationsFolder });
  } catch (err) {
    const reason = database.unavailableReason(err);
    if (reason === undefined) throw err;
    throw new DatabaseUnavailableError(
      `PostgreSQL at ${database.location} stopped answering while Parley was updating its tables (${reason}). ` +
        `Check that the server is running and not overloaded, then start Parley again.`,
    );
  }
}
