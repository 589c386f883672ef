import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Config } from "../config.js";
import { joinCode, users } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";

type Db = Deps["db"];
export type Registration = Config["REGISTRATION"];

/** Signing up needs an invitation and none was given (invite-only, and an account exists). */
export class InvitationNeededError extends Error {}

const newCode = () => randomBytes(18).toString("base64url");
const digest = (text: string) => createHash("sha256").update(text).digest();

/** In constant time (both sides hashed to the same length first). */
function sameCode(given: string, stored: string): boolean {
  return timingSafeEqual(digest(given), digest(stored));
}

async function storedCode(db: Db): Promise<string | undefined> {
  return (await db.select({ code: joinCode.code }).from(joinCode))[0]?.code;
}

/** Whether anyone may sign up at /signup, with no join link: the first account, or REGISTRATION=open. */
export async function signUpIsOpen({ db }: Deps, registration: Registration): Promise<boolean> {
  if (registration === "open") return true;
  return (await db.select({ id: users.id }).from(users).limit(1)).length === 0;
}

/** Whether `code` is the current join code. */
export async function isJoinCode({ db }: Deps, code: string): Promise<boolean> {
  const stored = await storedCode(db);
  return stored !== undefined && sameCode(code, stored);
}

/**
 * The check sign-up makes inside its transaction (after the lock that serialises sign-ups):
 * throws unless registration is open, this is the first account, or `code` is the join code.
 */
export async function requireInvitation(tx: Db, registration: Registration, code: string | undefined): Promise<void> {
  if (registration === "open") return;
  const [anyone] = await tx.select({ id: users.id }).from(users).limit(1);
  if (!anyone) return;
  if (code === undefined) throw new InvitationNeededError();
  const stored = await storedCode(tx);
  if (stored === undefined || !sameCode(code, stored)) throw new NotFoundError();
}

/** Who asks: only an administrator sees or changes the join link. */
type Asker = { isAdmin: boolean };

function requireAdmin(user: Asker): void {
  if (!user.isAdmin) throw new NotFoundError();
}

/** The join code, made the first time an administrator asks for it. Administrators only (404). */
export async function joinCodeFor({ db }: Deps, user: Asker): Promise<string> {
  requireAdmin(user);
  await db.insert(joinCode).values({ code: newCode() }).onConflictDoNothing();
  return (await storedCode(db))!;
}

/** A new join code; the old link stops working at once, on every instance. Administrators only. */
export async function regenerateJoinCode({ db }: Deps, user: Asker): Promise<void> {
  requireAdmin(user);
  await db
    .insert(joinCode)
    .values({ code: newCode() })
    .onConflictDoUpdate({ target: joinCode.singleton, set: { code: sql`excluded.code`, createdAt: sql`now()` } });
}
