import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The session signing secret when SESSION_SECRET is not set: made once and kept in the data
 * folder, so that restarts do not log everyone out. An in-memory data folder gets a fresh one.
 */
export async function sessionSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  return keptOnce(dataDir, "session-secret", () => randomBytes(32).toString("hex"));
}

/**
 * What `make` returns, made the first time and read back from `DATA_DIR/name` after (an in-memory
 * data folder makes it each time): secrets that must survive restarts without being configured.
 */
export async function keptOnce(dataDir: string, name: string, make: () => string): Promise<string> {
  if (dataDir.startsWith("memory://")) return make();
  const file = path.resolve(dataDir, name);
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = make();
  await mkdir(dataDir, { recursive: true });
  // Written aside, then linked into place: a process starting at the same moment either sees the
  // whole file or none, and if it loses the race it uses the winner's secret.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(draft, secret, { mode: 0o600 });
  try {
    await link(draft, file);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return (await readFile(file, "utf8")).trim();
  } finally {
    await unlink(draft);
  }
}
