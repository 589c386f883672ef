import { z } from "zod";
import { defaultTimeouts, type DatabaseTimeouts } from "./db/pool.js";

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PUBLIC_ORIGIN: z
    .url()
    .transform((u) => new URL(u).origin)
    .optional(),
  // Which proxies may set X-Forwarded-*: a hop count ("1") or addresses/subnets ("loopback",
  // "10.0.0.0/8"). Never "true": that would let any client pick its own address for rate limits.
  TRUST_PROXY: z
    .string()
    .regex(/^(?!true$)[\w.:/, -]+$/, 'must be a hop count such as "1", or addresses/subnets such as "loopback"')
    .transform((v): number | string | false => (v === "false" || v === "0" ? false : /^\d+$/.test(v) ? Number(v) : v))
    .default(false),
  // "invite": after the first account (the administrator), sign-up needs the join link shown on /admin.
  REGISTRATION: z.enum(["invite", "open"]).default("invite"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RATE_LIMIT_AUTH_PER_15_MIN: positiveInt.default(20),
  RATE_LIMIT_MESSAGES_PER_MIN: positiveInt.default(120),
  // How long a session is served from memory before it is read again: a log-out on another
  // instance takes effect here within this time.
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  WS_PING_INTERVAL_MS: positiveInt.default(30_000),
  // Signals (typing, read) per socket per second after a burst; a person's sockets share twice as
  // much. A page sends one typing signal per 2 s and a read signal per newly seen message.
  WS_SIGNALS_PER_SECOND: positiveInt.default(5),
  WS_SIGNAL_BURST: positiveInt.default(20),
  // Every open page holds one socket: 50 is more tabs than a person keeps open on all their
  // devices, and bounds what one account can hold of the server (about 4 KB each).
  WS_MAX_SOCKETS_PER_USER: positiveInt.default(50),
  PRESENCE_GRACE_MS: positiveInt.default(10_000),
  // On PostgreSQL, each instance tells the others every this often that it is alive: one that
  // missed three is counted dead and its people offline (within four intervals of a kill -9).
  PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  TYPING_EXPIRY_MS: positiveInt.default(5_000),
  // "@room" tells everyone in a room: any member may say it in a room up to this size, beyond it
  // only an administrator (a room that large is an announcement channel).
  ROOM_MENTION_MAX_MEMBERS: positiveInt.default(50),
  // Uploaded files; by default in DATA_DIR/uploads (required when DATA_DIR is memory://).
  FILES_DIR: z.string().min(1).optional(),
  UPLOAD_MAX_IMAGE_MB: positiveInt.default(20),
  UPLOAD_MAX_VIDEO_MB: positiveInt.default(200),
  UPLOAD_MAX_FILES: positiveInt.max(50).default(10),
  // Poster frames and durations for videos; without them videos still upload and play.
  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  FFPROBE_PATH: z.string().min(1).default("ffprobe"),
  // How long to wait on PostgreSQL before answering 503 (and, at start-up, giving up).
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(defaultTimeouts.connectMs),
  DATABASE_QUERY_TIMEOUT_MS: positiveInt.default(defaultTimeouts.queryMs),
  // /healthz answers 503 past this, whatever the timeouts above: load balancers wait a few seconds.
  HEALTH_CHECK_TIMEOUT_MS: positiveInt.default(2_000),
  // Web Push (VAPID, RFC 8292): both keys or neither; without them a pair is made once into DATA_DIR.
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, "must be an uncompressed P-256 public key in base64url (87 characters)")
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "must be a P-256 private key in base64url (43 characters)")
    .optional(),
  // Who push services may contact about this server's pushes: default, the public origin if https.
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, "must be a mailto: address or an https: URL")
    .optional(),
  // Pushes sent at once by each instance.
  PUSH_CONCURRENCY: positiveInt.max(64).default(4),
});

const withFiles = schema
  .refine((c) => c.FILES_DIR !== undefined || !c.DATA_DIR.startsWith("memory://"), {
    path: ["FILES_DIR"],
    message: "is required when DATA_DIR is in memory (uploads need a real folder)",
  })
  .refine((c) => (c.VAPID_PUBLIC_KEY === undefined) === (c.VAPID_PRIVATE_KEY === undefined), {
    path: ["VAPID_PRIVATE_KEY"],
    message: "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are given together, or neither",
  })
  .transform((c) => ({
    ...c,
    FILES_DIR: c.FILES_DIR ?? `${c.DATA_DIR}/uploads`,
    VAPID_SUBJECT: c.VAPID_SUBJECT ?? (c.PUBLIC_ORIGIN?.startsWith("https:") ? c.PUBLIC_ORIGIN : "mailto:admin@localhost"),
  }));

export type Config = z.infer<typeof withFiles>;

export class ConfigError extends Error {}

export function databaseTimeouts(config: Config): DatabaseTimeouts {
  return { connectMs: config.DATABASE_CONNECT_TIMEOUT_MS, queryMs: config.DATABASE_QUERY_TIMEOUT_MS };
}

/** The one place environment variables are read. Every problem is listed at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = withFiles.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
