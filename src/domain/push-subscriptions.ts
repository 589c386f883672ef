import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf } from "../db/client.js";
import { pushSubscriptions } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import { parseInput } from "./validate.js";

const base64url = (bytes: number, what: string) =>
  z
    .string({ error: `The browser sent no ${what}.` })
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `The ${what} must be base64url.`)
    .refine((s) => Buffer.from(s, "base64url").length === bytes, `The ${what} must be ${bytes} bytes.`);

/**
 * A browser's PushSubscription as Settings' script posts it (a form). Only https endpoints: every
 * push service is one, and web-push speaks nothing else; no credentials in the URL.
 */
const subscriptionInput = z.object({
  endpoint: z
    .string({ error: "The browser sent no endpoint." })
    .max(2048, "The endpoint can be at most 2048 characters.")
    .refine((s) => URL.canParse(s), "The endpoint must be a URL.")
    .refine((s) => {
      const url = URL.canParse(s) ? new URL(s) : null;
      return url !== null && url.protocol === "https:" && url.username === "" && url.password === "";
    }, "The endpoint must be an https URL."),
  // An uncompressed P-256 point (RFC 8291) and a 16-byte authentication secret.
  p256dh: base64url(65, "public key").refine(
    (s) => Buffer.from(s, "base64url")[0] === 4,
    "The public key must be an uncompressed P-256 point.",
  ),
  auth: base64url(16, "authentication secret"),
});

/**
 * Turns notifications on for this browser: the subscription is stored, or moved to this person if
 * the endpoint was someone else's (the same browser, another account now signed in on it).
 */
export async function subscribe({ db }: Deps, userId: number, input: unknown, label: string): Promise<number> {
  const { endpoint, p256dh, auth } = parseInput(subscriptionInput, input);
  const [row] = await db
    .insert(pushSubscriptions)
    .values({ userId, endpoint, p256dh, auth, label })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { userId, p256dh, auth, label, createdAt: sql`now()`, lastSentAt: null },
    })
    .returning({ id: pushSubscriptions.id });
  return row!.id;
}

/** Removes one of this person's devices; anyone else's is not found. */
export async function unsubscribe({ db }: Deps, userId: number, subscriptionId: number): Promise<void> {
  const gone = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, subscriptionId), eq(pushSubscriptions.userId, userId)))
    .returning({ id: pushSubscriptions.id });
  if (gone.length === 0) throw new NotFoundError("Device not found");
}

export interface Device {
  id: number;
  label: string;
  createdAt: Date;
}

/** This person's devices with notifications on, oldest first. */
export async function devicesOf({ db }: Deps, userId: number): Promise<Device[]> {
  return db
    .select({ id: pushSubscriptions.id, label: pushSubscriptions.label, createdAt: pushSubscriptions.createdAt })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.id));
}

const testPayload = JSON.stringify({
  type: "message",
  title: "Parley",
  body: "Notifications work on this device.",
  url: "/settings",
  tag: "test",
});

/** "Send a test notification": one to each of this person's devices. Returns how many. */
export async function sendTestPush(deps: Deps, userId: number): Promise<number> {
  const result = await deps.db.execute(
    sql`insert into push_jobs (subscription_id, payload) select id, ${testPayload} from push_subscriptions where user_id = ${userId}
    returning id`,
  );
  const queued = rowsOf(result).length;
  if (queued > 0) deps.pushes.queued();
  return queued;
}
