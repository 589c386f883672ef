import webpush from "web-push";
import { z } from "zod";
import type { Config } from "../config.js";
import { keptOnce } from "../secret.js";

/** The server's VAPID identity (RFC 8292): push services check every request is signed with it. */
export interface Vapid {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const keysFile = z.object({ publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/), privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * The configured keys, or a pair made once into DATA_DIR and kept: browsers subscribed with the
 * public key, so a new one would silently end every subscription.
 */
export async function vapidOf(config: Config): Promise<Vapid> {
  const subject = config.VAPID_SUBJECT;
  if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY) {
    return { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject };
  }
  const kept = await keptOnce(config.DATA_DIR, "vapid-keys.json", () => JSON.stringify(webpush.generateVAPIDKeys()));
  const keys = keysFile.safeParse(JSON.parse(kept));
  if (!keys.success)
    throw new Error(`${config.DATA_DIR}/vapid-keys.json is damaged: remove it to make new keys (devices then subscribe again)`);
  return { ...keys.data, subject };
}
