import { randomBytes } from "node:crypto";
import pg from "pg";

export type DatabaseKind = "pglite" | "postgres";

/** Where real-Postgres tests run; unset means PGlite only. */
export const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

export function databaseKinds(): DatabaseKind[] {
  return postgresUrl ? ["pglite", "postgres"] : ["pglite"];
}

/** A new, empty database on the test server, dropped by `drop()`. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!postgresUrl) throw new Error("No TEST_DATABASE_URL or DATABASE_URL");
  const name = `parley_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
