import { eq, sql, type SQL } from "drizzle-orm";
import { loginThrottle } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { TooManyAttemptsError } from "./errors.js";

// Five attempts go through freely; after that each failure doubles the wait before the next
// (1 s, 2 s, 4 s …, at most 15 minutes). A wait only ever delays: once it has passed, the right
// password gets in, so guessing can slow an account down but never lock its owner out.
const FREE_FAILURES = 5;
const LONGEST_WAIT_SECONDS = 15 * 60;

/** The wait after `failures` failures, as SQL, so that every process computes it on the database's clock. */
const waitAfter = (failures: SQL) =>
  sql`make_interval(secs => case when ${failures} < ${FREE_FAILURES} then 0 else least(power(2, ${failures} - ${FREE_FAILURES}), ${LONGEST_WAIT_SECONDS}) end)`;

/**
 * Takes one log-in attempt for a username, or throws TooManyAttemptsError while its wait lasts.
 * The attempt is counted as a failure before the password is checked, in one statement, so that
 * guesses sent at once (from any number of addresses and processes) cannot all pass before any
 * is counted; `attemptSucceeded` then clears the count. A failure a day after the last one starts
 * the count again.
 */
export async function takeAttempt({ db }: Deps, username: string): Promise<void> {
  const key = username.toLowerCase();
  const failures = sql`(case when ${loginThrottle.blockedUntil} < now() - interval '1 day' then 1 else ${loginThrottle.failures} + 1 end)`;
  const [taken] = await db
    .insert(loginThrottle)
    .values({ username: key, failures: 1, blockedUntil: sql`now() + ${waitAfter(sql`1`)}` })
    .onConflictDoUpdate({
      target: loginThrottle.username,
      set: { failures, blockedUntil: sql`now() + ${waitAfter(failures)}` },
      setWhere: sql`${loginThrottle.blockedUntil} <= now()`,
    })
    .returning({ failures: loginThrottle.failures });
  if (taken) return;
  const [wait] = await db
    .select({ seconds: sql<number>`ceil(extract(epoch from ${loginThrottle.blockedUntil} - now()))::int` })
    .from(loginThrottle)
    .where(eq(loginThrottle.username, key));
  throw new TooManyAttemptsError(Math.max(1, wait?.seconds ?? 1));
}

export async function attemptSucceeded({ db }: Deps, username: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.username, username.toLowerCase()));
}
