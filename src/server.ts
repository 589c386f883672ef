import { createServer, type Server } from "node:http";
import type { Agent } from "node:https";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { databaseTimeouts, type Config } from "./config.js";
import { openDatabase, ping, type Database } from "./db/client.js";
import { PostgresEventBus } from "./db/event-bus.js";
import { migrate } from "./db/migrate.js";
import type { Deps } from "./domain/deps.js";
import { LocalEventBus } from "./domain/events.js";
import { OrphanSweeper } from "./domain/orphans.js";
import { Presence } from "./domain/presence.js";
import { Typing } from "./domain/typing.js";
import { LocalFileStore } from "./files/store.js";
import { trustProxyOf } from "./http/origin.js";
import { Videos } from "./media/videos.js";
import { vapidOf } from "./push/vapid.js";
import { PushWorker } from "./push/worker.js";
import { Hub } from "./realtime/hub.js";
import { attachWebSockets } from "./realtime/sockets.js";
import { sessionSecret } from "./secret.js";
import { createSessions } from "./web/session.js";

export interface Running {
  url: string;
  server: Server;
  database: Database;
  deps: Deps;
  hub: Hub;
  sweeper: OrphanSweeper;
  pushes: PushWorker;
  stop(): Promise<void>;
}

/**
 * Opens and migrates the database, then serves HTTP and WebSockets until `stop()`, which closes the
 * database. `database`: one already open to use instead of the configured one (tests hand in an
 * embedded one already migrated, which is quicker than creating one); it is migrated all the same.
 * `pushAgent`: how Web Push reaches push services (tests: an agent trusting their local one).
 */
export async function startServer(
  config: Config,
  logger: Logger,
  opened: { database?: Database; pushAgent?: Agent } = {},
): Promise<Running> {
  const vapid = await vapidOf(config);
  const database =
    opened.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, timeouts: databaseTimeouts(config) }));
  try {
    await migrate(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  // PostgreSQL may be shared by several Parley processes: events go through it, to all of them.
  // The embedded database is one process's own.
  const bus =
    database.kind === "postgres" && config.DATABASE_URL
      ? await PostgresEventBus.start(config.DATABASE_URL, database.sessionPool, databaseTimeouts(config), logger).catch(
          async (err: unknown) => {
            await database.close();
            throw err;
          },
        )
      : null;
  const events = bus ?? new LocalEventBus();
  const pushes = new PushWorker(database.db, {
    vapid,
    concurrency: config.PUSH_CONCURRENCY,
    log: logger,
    ...(opened.pushAgent ? { agent: opened.pushAgent } : {}),
  });
  const deps: Deps = {
    db: database.db,
    events,
    // Shared with the other instances on PostgreSQL (through its tables); the embedded database's own.
    presence: new Presence(
      database.db,
      events,
      config.PRESENCE_GRACE_MS,
      bus && { heartbeatMs: config.PRESENCE_HEARTBEAT_MS, log: logger },
    ),
    typing: new Typing(events, config.TYPING_EXPIRY_MS),
    files: await LocalFileStore.open(config.FILES_DIR),
    videos: new Videos(config.FFMPEG_PATH, config.FFPROBE_PATH),
    pushes,
    mentions: { roomMaxMembers: config.ROOM_MENTION_MAX_MEMBERS },
  };
  await deps.presence.start().catch(async (err: unknown) => {
    await bus?.close();
    await database.close();
    throw err;
  });
  const secret = await sessionSecret(config.SESSION_SECRET, config.DATA_DIR);
  const sessions = createSessions(database.sessionPool, secret, config.SESSION_CACHE_MS);
  events.subscribe((event) => {
    if (event.kind === "session.ended") sessions.forget(event.sessionId);
  });
  const app = createApp({
    config,
    deps,
    logger,
    session: sessions.middleware,
    sessionSecret: secret,
    healthCheck: () => ping(database.db, config.HEALTH_CHECK_TIMEOUT_MS),
  });
  const server = createServer(app);
  const hub = new Hub(deps, logger, { perSecond: config.WS_SIGNALS_PER_SECOND, burst: config.WS_SIGNAL_BURST });
  bus?.onResumed(() => hub.catchUpAll());
  const sweeper = new OrphanSweeper(deps, logger);
  const sockets = attachWebSockets(server, {
    deps,
    hub,
    session: sessions.middleware,
    publicOrigin: config.PUBLIC_ORIGIN,
    trustProxy: trustProxyOf(app),
    pingIntervalMs: config.WS_PING_INTERVAL_MS,
    maxSocketsPerUser: config.WS_MAX_SOCKETS_PER_USER,
    log: logger,
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  sweeper.start();
  pushes.start();
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    database,
    deps,
    hub,
    sweeper,
    pushes,
    stop() {
      stopping ??= (async () => {
        deps.presence.stop();
        // Its rows are handed over (see Presence.handOver) while the sockets close.
        const handedOver = deps.presence.handOver();
        deps.typing.stop();
        sockets.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await sweeper.stop();
        await pushes.stop();
        await sessions.close();
        await handedOver;
        await bus?.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
