import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  json,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";

const id = () => bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity();
const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: id(),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    isAdmin: boolean("is_admin").notNull().default(false),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true, mode: "date" }),
    /** "activity": rooms with unread messages first, most recent first; "alphabetical": by name. */
    sidebarOrder: text("sidebar_order", { enum: ["activity", "alphabetical"] })
      .notNull()
      .default("activity"),
    shareReadReceipts: boolean("share_read_receipts").notNull().default(true),
    /** "@room" neither mentions nor notifies this person (their own mentions still do). */
    muteRoomMentions: boolean("mute_room_mentions").notNull().default(false),
    /** "Show message text in notifications": off, a push says only who wrote where. */
    notificationText: boolean("notification_text").notNull().default(true),
    /**
     * Until when this person counts as looking at Parley: a page of theirs that is open and visible
     * keeps moving it on; once none is, it stays where the last one left it (hidden + 60 s). Web
     * Push goes only to people past it. In the database, so every instance judges alike.
     */
    lookingUntil: timestamp("looking_until", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_username_lower_key").on(sql`lower(${t.username})`)],
);

export const rooms = pgTable(
  "rooms",
  {
    id: id(),
    name: text("name").notNull(),
    topic: text("topic").notNull().default(""),
    isPrivate: boolean("is_private").notNull().default(false),
    isDefault: boolean("is_default").notNull().default(false),
    /** "room": named, joined or invited to; "direct" (two people) and "group": a conversation among a fixed set. */
    kind: text("kind", { enum: ["room", "direct", "group"] })
      .notNull()
      .default("room"),
    /** A conversation's members' ids, sorted and comma-joined: opening the same set finds the same conversation. */
    participantsKey: text("participants_key"),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("rooms_one_default_key")
      .on(t.isDefault)
      .where(sql`${t.isDefault}`),
    index("rooms_public_name_idx")
      .on(sql`lower(${t.name})`)
      .where(sql`not ${t.isPrivate}`),
    uniqueIndex("rooms_participants_key").on(t.participantsKey),
  ],
);

const roomRef = () =>
  bigint("room_id", { mode: "number" })
    .notNull()
    .references(() => rooms.id, { onDelete: "cascade" });
const userRef = (name: string) =>
  bigint(name, { mode: "number" })
    .notNull()
    .references(() => users.id, { onDelete: "cascade" });

export const memberships = pgTable(
  "memberships",
  {
    roomId: roomRef(),
    userId: userRef("user_id"),
    lastReadMessageId: bigint("last_read_message_id", { mode: "number" }),
    /** When the pointer last moved forward: the time of a "Seen" receipt. */
    lastReadAt: timestamp("last_read_at", { withTimezone: true, mode: "date" }),
    joinedAt: timestamp("joined_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /**
     * What this member is told of: "everything", "mentions", "nothing", or "hidden" (as nothing, and
     * the room leaves the sidebar until someone mentions them). Null: the default for the room's
     * kind (rooms: mentions; direct and group conversations: everything).
     */
    notificationLevel: text("notification_level", { enum: ["everything", "mentions", "nothing", "hidden"] }),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("memberships_user_idx").on(t.userId, t.roomId)],
);

export const messages = pgTable(
  "messages",
  {
    id: id(),
    roomId: roomRef(),
    authorId: userRef("author_id"),
    body: text("body").notNull(),
    /** Named by the composer that sent it, so that sending it again stores nothing new (null: no composer). */
    clientId: uuid("client_id"),
    createdAt: createdAt(),
    /** The body as HTML, rendered when it was written (src/render/markdown.ts); null: rendered when read. */
    bodyHtml: text("body_html"),
    editedAt: timestamp("edited_at", { withTimezone: true, mode: "date" }),
    /** A deleted message stays as a tombstone, with no text, files or reactions, so that replies still make sense. */
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
    /** The message this one answers (same room). */
    replyToId: bigint("reply_to_id", { mode: "number" }).references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    /**
     * The room's change counter when the message last changed after it was posted (an edit, a
     * deletion, a reaction), from `message_changes`: a page that has seen changes up to N is sent
     * those after N when it reconnects.
     */
    changeSeq: bigint("change_seq", { mode: "number" }),
  },
  // Plain ascending: scanned backwards it gives "ORDER BY id DESC" (nulls first, the default) for one
  // room. Declared "id DESC" drizzle writes "DESC NULLS LAST", which that order cannot use.
  (t) => [
    index("messages_room_id_idx").on(t.roomId, t.id),
    uniqueIndex("messages_author_client_id_key").on(t.authorId, t.clientId),
    index("messages_room_change_idx")
      .on(t.roomId, t.changeSeq)
      .where(sql`${t.changeSeq} is not null`),
    index("messages_reply_to_idx")
      .on(t.replyToId)
      .where(sql`${t.replyToId} is not null`),
  ],
);

/** Numbers every change to a posted message; drawn under the room's lock, so a room's changes commit in order. */
export const messageChanges = pgSequence("message_changes");

/** A message's earlier versions, kept when its author edits it: `body` as it read until `replacedAt`. */
export const messageRevisions = pgTable(
  "message_revisions",
  {
    id: id(),
    messageId: bigint("message_id", { mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    /** When this version was written (the message's time, or the edit before). */
    writtenAt: timestamp("written_at", { withTimezone: true, mode: "date" }).notNull(),
    replacedAt: timestamp("replaced_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("message_revisions_message_idx").on(t.messageId, t.id)],
);

/** One row per person, message and emoji (free text up to 16 characters): reacting again removes it. */
export const reactions = pgTable(
  "reactions",
  {
    messageId: bigint("message_id", { mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: userRef("user_id"),
    emoji: text("emoji").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.emoji, t.userId] })],
);

/**
 * Files attached to a message. Stored files are named by the SHA-256 of their bytes, so the same
 * file is kept once however often it is shared; `thumb_hash` and `poster_hash` name derived files.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: id(),
    messageId: bigint("message_id", { mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    kind: text("kind", { enum: ["image", "video"] }).notNull(),
    contentType: text("content_type").notNull(),
    hash: text("hash").notNull(),
    byteSize: bigint("byte_size", { mode: "number" }).notNull(),
    fileName: text("file_name").notNull(),
    width: integer("width"),
    height: integer("height"),
    /** Null: the author has not described the image yet. */
    alt: text("alt"),
    thumbHash: text("thumb_hash"),
    thumbWidth: integer("thumb_width"),
    thumbHeight: integer("thumb_height"),
    posterHash: text("poster_hash"),
    durationMs: integer("duration_ms"),
  },
  (t) => [
    uniqueIndex("attachments_message_position_key").on(t.messageId, t.position),
    // The sweep of stored files asks, for each, whether any row still names it.
    index("attachments_hash_idx").on(t.hash),
    index("attachments_thumb_hash_idx").on(t.thumbHash),
    index("attachments_poster_hash_idx").on(t.posterHash),
  ],
);

/** connect-pg-simple's table, owned by our migrations rather than created at run time. */
export const sessions = pgTable(
  "session",
  {
    sid: varchar("sid").primaryKey(),
    sess: json("sess").notNull(),
    expire: timestamp("expire", { precision: 6, mode: "date" }).notNull(),
  },
  (t) => [index("IDX_session_expire").on(t.expire)],
);

/**
 * Failed log-ins per username (lower-cased), whether or not an account has it, so that the
 * throttle says nothing about which usernames exist. A row goes when its username logs in.
 */
export const loginThrottle = pgTable("login_throttle", {
  username: text("username").primaryKey(),
  failures: integer("failures").notNull(),
  /** The next attempt is refused before this time. */
  blockedUntil: timestamp("blocked_until", { withTimezone: true, mode: "date" }).notNull(),
});

/**
 * express-rate-limit's hit counts (src/web/rate-limit-store.ts), kept here so that every Parley
 * on the database counts against the same limits: one row per limiter and client (`key` starts
 * with the limiter's prefix), counting since the window that ends at `reset_at` began. A row whose
 * window has passed counts as none and is swept now and then.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  hits: integer("hits").notNull(),
  resetAt: timestamp("reset_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** One row: the secret of the join link that lets people sign up when registration is invite-only. */
export const joinCode = pgTable(
  "join_code",
  {
    singleton: boolean("singleton").primaryKey().default(true),
    code: text("code").notNull(),
    createdAt: createdAt(),
  },
  (t) => [check("join_code_one_row", sql`${t.singleton}`)],
);

/**
 * Every Parley process on the database, while it runs (src/domain/presence.ts): it counts as alive
 * until `expires_at`, which each heartbeat moves on by three intervals, and which a process that
 * stops sets to the end of its grace period. Rows past it are deleted by whichever process notices.
 */
export const instances = pgTable("instances", {
  id: uuid("id").primaryKey(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
});

/** Who has a page open on which instance (or had, within the grace period): online means a row of a live instance. */
export const presencePages = pgTable(
  "presence_pages",
  {
    instanceId: uuid("instance_id")
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    userId: userRef("user_id"),
  },
  (t) => [primaryKey({ columns: [t.instanceId, t.userId] }), index("presence_pages_user_idx").on(t.userId)],
);

/**
 * Who a message mentions, resolved when it is written (and again when it is edited): `@username` of
 * a member, or every member but its author for `@room` (`everyone`), less those who mute it. A
 * mention is unread while the message is past the person's read pointer and `read_at` is null
 * (the Mentions page's "Mark all as read").
 */
export const messageMentions = pgTable(
  "message_mentions",
  {
    messageId: bigint("message_id", { mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: userRef("user_id"),
    roomId: roomRef(),
    everyone: boolean("everyone").notNull().default(false),
    readAt: timestamp("read_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.userId] }),
    // The Mentions page (newest first, by keyset) and each room's unread mentions in the sidebar.
    index("message_mentions_user_idx").on(t.userId, t.messageId),
    index("message_mentions_user_room_idx").on(t.userId, t.roomId, t.messageId),
  ],
);

/** A browser's Web Push subscription: where to send (endpoint) and the keys to encrypt for it. */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: id(),
    userId: userRef("user_id"),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    /** What Settings calls the device ("Chrome on Android"), from its User-Agent when it subscribed. */
    label: text("label").notNull().default(""),
    createdAt: createdAt(),
    lastSentAt: timestamp("last_sent_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint_key").on(t.endpoint), index("push_subscriptions_user_idx").on(t.userId)],
);

/**
 * Pushes waiting to be sent, one per subscription: written in the transaction that decided them,
 * claimed by any instance with FOR UPDATE SKIP LOCKED and deleted once sent, so each goes once.
 */
export const pushJobs = pgTable(
  "push_jobs",
  {
    id: id(),
    subscriptionId: bigint("subscription_id", { mode: "number" })
      .notNull()
      .references(() => pushSubscriptions.id, { onDelete: "cascade" }),
    /** What the service worker gets (JSON): a notification to show, or one to close. */
    payload: text("payload").notNull(),
    /** Coalesces pushes for one room at the push service (the `Topic` header). */
    topic: text("topic"),
    attempts: integer("attempts").notNull().default(0),
    runAfter: timestamp("run_after", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index("push_jobs_run_after_idx").on(t.runAfter)],
);
