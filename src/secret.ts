import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The session signing secret when SESSION_SECRET is not set: made once and kept in the data
 * folder, so that restarts do not log everyone out. An in-memory data folder gets a fresh one.
 */
export async function sessionSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  if (dataDir.startsWith("memory://")) return randomBytes(32).toString("hex");
  const file = path.resolve(dataDir, "session-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = randomBytes(32).toString("hex");
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, secret, { mode: 0o600, flag: "wx" });
  return secret;
}
