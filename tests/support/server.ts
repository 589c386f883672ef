import { mkdtemp, rm } from "node:fs/promises";
import type { Agent } from "node:https";
import type { DestinationStream } from "pino";
import { tmpdir } from "node:os";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { loadConfig } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { messages } from "../../src/db/schema.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type Running } from "../../src/server.js";
import { freshPostgresDatabase, type DatabaseKind } from "./databases.js";
import type { Visitor } from "./client.js";
import { pooledPglite } from "./pglite.js";

export interface TestServer extends Running {
  kind: DatabaseKind;
  /** Where this server keeps uploads (a fresh temporary folder). */
  filesDir: string;
  /** The Postgres database it runs on (unset on PGlite). */
  databaseUrl: string | undefined;
}

export interface TestServerOptions {
  /** Where its log lines go (at `LOG_LEVEL`, which the test then sets). */
  logTo?: DestinationStream;
  /** The URL it reaches the database at, given the real one (a proxy's, say). */
  route?: (url: string) => string;
  /**
   * On PGlite, start from an empty database and run every migration, as a first start does;
   * otherwise it takes one migrated already (see pooledPglite). Postgres databases are always empty.
   */
  empty?: boolean;
  /** How its Web Push worker reaches push services (a test's own, with a certificate of its own). */
  pushAgent?: Agent;
}

/** A real Parley on a random port, on a new in-memory PGlite or a new Postgres database. */
export async function startTestServer(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const postgres = kind === "postgres" ? await freshPostgresDatabase() : undefined;
  return start(kind, postgres?.url, env, options, postgres?.drop);
}

/**
 * A second instance on the same Postgres database as `first` (PGlite in memory cannot be shared);
 * stopping it leaves the database to `first`. Give both the same SESSION_SECRET to share cookies.
 */
export async function startAnotherInstance(
  first: TestServer,
  env: Record<string, string> = {},
  options: Pick<TestServerOptions, "route" | "pushAgent"> = {},
): Promise<TestServer> {
  if (!first.databaseUrl) throw new Error("another instance needs a Postgres database");
  return start(first.kind, first.databaseUrl, env, options);
}

async function start(
  kind: DatabaseKind,
  databaseUrl: string | undefined,
  env: Record<string, string>,
  { logTo, route = (url) => url, empty = false, pushAgent }: TestServerOptions,
  drop?: () => Promise<void>,
): Promise<TestServer> {
  const filesDir = await mkdtemp(path.join(tmpdir(), "parley-files-"));
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: "memory://",
    FILES_DIR: filesDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    DATABASE_URL: databaseUrl && route(databaseUrl),
    RATE_LIMIT_AUTH_PER_15_MIN: "1000",
    RATE_LIMIT_MESSAGES_PER_MIN: "1000",
    ...env,
  });
  const cleanUp = async () => {
    await drop?.();
    await rm(filesDir, { recursive: true, force: true });
  };
  const database =
    config.DATABASE_URL === undefined && config.DATA_DIR.startsWith("memory://") && !empty ? await pooledPglite() : undefined;
  const running = await startServer(config, createLogger(config, logTo), { database, pushAgent }).catch(async (err: unknown) => {
    await cleanUp();
    throw err;
  });
  return {
    ...running,
    kind,
    filesDir,
    databaseUrl,
    async stop() {
      await running.stop();
      await cleanUp();
    },
  };
}

/**
 * `who` posts `body` (with any `extra` fields) to a room as htmx does, and gets the new message's
 * id. `statuses`: the answers allowed (204, or 200 when the composer has something to say).
 */
export async function postedBy(
  server: TestServer,
  who: Visitor,
  roomId: number,
  body: string,
  { extra = {}, statuses = [204] }: { extra?: Record<string, string>; statuses?: number[] } = {},
): Promise<number> {
  const res = await who.post(`/rooms/${roomId}/messages`, { body, ...extra }, { "hx-request": "true" });
  if (!statuses.includes(res.status)) throw new Error(`posting to room ${roomId}: ${res.status} ${res.html}`);
  return newestMessageIn(server.deps.db, roomId);
}

/** The id of a room's newest message: the one a test has just posted. */
export async function newestMessageIn(db: Db, roomId: number): Promise<number> {
  const [row] = await db.select({ id: messages.id }).from(messages).where(eq(messages.roomId, roomId)).orderBy(desc(messages.id)).limit(1);
  return row!.id;
}
