import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared } from "../db/prepared.js";
import { memberships, rooms, users } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { InvalidInputError } from "./errors.js";
import { requireInvitation, type Registration } from "./invitations.js";
import { attemptSucceeded, takeAttempt } from "./login-throttle.js";
import { weakPasswordReason } from "./password-strength.js";
import { decoyHash, hashPassword, verifyPassword } from "./passwords.js";
import { latestMessageOf } from "./sql/unread.js";
import { parseInput } from "./validate.js";

export type SidebarOrder = "activity" | "alphabetical";

export interface User {
  id: number;
  username: string;
  displayName: string;
  isAdmin: boolean;
  sidebarOrder: SidebarOrder;
  shareReadReceipts: boolean;
  /** "@room" does not mention them. */
  muteRoomMentions: boolean;
}

const userColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  isAdmin: users.isAdmin,
  sidebarOrder: users.sidebarOrder,
  shareReadReceipts: users.shareReadReceipts,
  notificationText: users.notificationText,
  muteRoomMentions: users.muteRoomMentions,
};

const settingsInput = z.object({
  sidebarOrder: z.enum(["activity", "alphabetical"], { error: "Choose how to sort your rooms." }),
  // An unticked checkbox sends nothing.
  shareReadReceipts: z.literal("on").optional(),
  notificationText: z.literal("on").optional(),
  muteRoomMentions: z.literal("on").optional(),
});

export async function updateSettings({ db }: Deps, userId: number, input: unknown): Promise<void> {
  const data = parseInput(settingsInput, input);
  await db
    .update(users)
    .set({
      sidebarOrder: data.sidebarOrder,
      shareReadReceipts: data.shareReadReceipts === "on",
      notificationText: data.notificationText === "on",
      muteRoomMentions: data.muteRoomMentions === "on",
    })
    .where(eq(users.id, userId));
}

const username = z
  .string({ error: "Choose a username." })
  .trim()
  .min(3, "Username must be at least 3 characters.")
  .max(32, "Username must be at most 32 characters.")
  .regex(/^[A-Za-z0-9_.-]+$/, "Username may only use letters, digits, and _ - .");

const signUpInput = z
  .object({
    username,
    displayName: z
      .string({ error: "Enter a display name." })
      .trim()
      .min(1, "Enter a display name.")
      .max(64, "Display name must be at most 64 characters."),
    password: z
      .string({ error: "Choose a password." })
      .min(8, "Password must be at least 8 characters.")
      .max(1024, "Password must be at most 1024 characters."),
  })
  .superRefine(({ username, displayName, password }, ctx) => {
    const reason = weakPasswordReason(password, [username, displayName]);
    if (reason) ctx.addIssue({ code: "custom", path: ["password"], message: reason });
  });

const logInInput = z.object({
  username: z.string().trim().max(64).default(""),
  password: z.string().max(1024).default(""),
});

const DEFAULT_ROOM = { name: "general", topic: "Everyone on this server" };

/** How a sign-up is let in: the server's registration setting and the join code it came with, if any. */
export interface Admission {
  registration: Registration;
  code?: string;
}

/**
 * Creates an account. The first account becomes the administrator and opens the default
 * room; every account joins the default room. After the first, invite-only registration needs
 * the join code (InvitationNeededError without one, NotFoundError for a wrong or old one).
 */
export async function signUp({ db }: Deps, input: unknown, admission: Admission): Promise<User> {
  // Refused before anything else (the password hash is costly); checked again under the lock.
  await requireInvitation(db, admission.registration, admission.code);
  const data = parseInput(signUpInput, input);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    // Serialises sign-ups so that exactly one account can be the first.
    await tx.execute(sql`select pg_advisory_xact_lock(7261001)`);
    await requireInvitation(tx, admission.registration, admission.code);
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${data.username})`);
    if (taken) throw new InvalidInputError({ username: "That username is taken." }, 409);

    const [existing] = await tx.select({ id: users.id }).from(users).limit(1);
    const [user] = await tx
      .insert(users)
      .values({ username: data.username, displayName: data.displayName, passwordHash, isAdmin: !existing })
      .returning(userColumns);

    let [defaultRoom] = await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.isDefault, true));
    defaultRoom ??= (
      await tx
        .insert(rooms)
        .values({ ...DEFAULT_ROOM, isDefault: true, createdBy: user!.id })
        .returning({ id: rooms.id })
    )[0];
    await tx.insert(memberships).values({ roomId: defaultRoom!.id, userId: user!.id, lastReadMessageId: latestMessageOf(defaultRoom!.id) });
    return user!;
  });
}

/**
 * A signed-in session has ended (log-out, or a new log-in in its place). It is told on the bus, so
 * that the sockets opened with it close on whichever instance holds them.
 */
export function sessionEnded({ events }: Deps, userId: number, sessionId: string): void {
  events.publish({ kind: "session.ended", userId, sessionId });
}

/**
 * Returns the user for a correct username and password, otherwise null (never saying which was
 * wrong). Throws TooManyAttemptsError while the username's wait after failed attempts lasts.
 */
export async function logIn(deps: Deps, input: unknown): Promise<User | null> {
  const { db } = deps;
  const data = parseInput(logInInput, input);
  await takeAttempt(deps, data.username);
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.username}) = lower(${data.username})`);
  const ok = await verifyPassword(data.password, row?.passwordHash ?? decoyHash);
  if (!row || !ok) return null;
  await attemptSucceeded(deps, data.username);
  const { passwordHash: _, ...user } = row;
  return user;
}

/** Display names for several people, in one query. */
export async function displayNames({ db }: Deps, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// Every request of a logged-in person runs this.
const userById = prepared((db) =>
  db
    .select(userColumns)
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .prepare("user_by_id"),
);

export async function findUser({ db }: Deps, id: number): Promise<User | null> {
  const [user] = await userById(db).execute({ id });
  return user ?? null;
}
