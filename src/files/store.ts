import { createHash, randomUUID } from "node:crypto";
import { createReadStream, type BigIntStats } from "node:fs";
import { link, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";

export interface Stored {
  hash: string;
  /** False when the same bytes were already stored: nothing new to undo. */
  created: boolean;
  /** Which copy this put left in the store: `remove` takes back only that one. */
  version: string;
}

/**
 * Where uploaded files live, named by the SHA-256 of their bytes. Local disk today; the interface
 * is what an S3-compatible store would implement (`pathOf` would become a read stream with range).
 *
 * Several processes may share one store, and a file is stored before the row that refers to it
 * commits, so nothing here deletes by name alone: every put leaves a fresh copy (a new version, a
 * new modification time), and a removal takes the file away only if no put came after the one it
 * judged by.
 */
export interface FileStore {
  /** A scratch path for an upload in progress, on the same disk as the store. */
  tempPath(): string;
  /** Moves a finished temporary file into the store; the temporary path is gone afterwards. */
  put(tempFile: string): Promise<Stored>;
  pathOf(hash: string): string;
  /** Takes back what a put stored, unless the same bytes have been put again since. */
  remove(stored: Stored): Promise<void>;
  /** Hashes of the stored files last put before `before`. */
  storedBefore(before: Date): AsyncIterable<string>;
  /** Removes a stored file unless it was put again at or after `before`; true if it went. */
  reclaim(hash: string, before: Date): Promise<boolean>;
  /** Removes scratch files last written before `before` (left by a process that died). */
  clearTempBefore(before: Date): Promise<void>;
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** FILES_DIR cannot be created or written: Parley refuses to start, with this message. */
export class FilesUnavailableError extends Error {}

const why: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "the filesystem is read-only",
  ENOTDIR: "part of the path is a file, not a folder",
  EEXIST: "part of the path is a file, not a folder",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
};

function filesDirProblem(configured: string, resolved: string, code: string, failed: string): string {
  const named = configured === resolved ? configured : `${configured} (${resolved})`;
  const shared = "Several instances must share one FILES_DIR (a shared volume).";
  const cause = `${why[code] ?? code} (${code} on ${failed})`;
  if (failed.startsWith("link ") && ["EPERM", "ENOTSUP", "EOPNOTSUPP"].includes(code)) {
    return `FILES_DIR=${named} is on a filesystem without hard links, which Parley stores uploads with: ${cause}. Put it on one that has them. ${shared}`;
  }
  const uid = process.getuid?.();
  const user = uid === undefined ? "this user" : `this user (uid ${uid})`;
  return (
    `FILES_DIR=${named} is not a folder ${user} can write to: ${cause}. ` +
    `Create it and let ${user} write to it, or set FILES_DIR to a folder it can write to. ${shared}`
  );
}

const versionOf = (s: BigIntStats) => `${s.ino}:${s.mtimeNs}`;
const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException).code === code;

export class LocalFileStore implements FileStore {
  readonly #root: string;
  readonly #tmp: string;

  private constructor(root: string) {
    this.#root = path.join(root, "files");
    this.#tmp = path.join(root, "tmp");
  }

  /** Opens the store in `dir` (FILES_DIR), creating it if need be; FilesUnavailableError if Parley cannot write there. */
  static async open(dir: string): Promise<LocalFileStore> {
    const store = new LocalFileStore(path.resolve(dir));
    await store.#probe(dir);
    return store;
  }

  /**
   * Does once what every upload does, before anyone uploads: creates the folders, writes a scratch
   * file and links it into the store (`put`), then takes the probe away again. A folder Parley
   * cannot use is refused at start-up, in one line, rather than with every upload later.
   */
  async #probe(configured: string): Promise<void> {
    const name = `.probe-${randomUUID()}`;
    const scratch = path.join(this.#tmp, name);
    const stored = path.join(this.#root, name);
    const step = async (what: string, target: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (typeof code !== "string") throw err;
        throw new FilesUnavailableError(filesDirProblem(configured, path.dirname(this.#root), code, `${what} ${target}`));
      }
    };
    try {
      await step("mkdir", this.#root, () => mkdir(this.#root, { recursive: true }));
      await step("mkdir", this.#tmp, () => mkdir(this.#tmp, { recursive: true }));
      await step("write", scratch, () => writeFile(scratch, "probe"));
      await step("link", stored, () => link(scratch, stored));
      await step("remove", stored, () => rm(stored));
      await step("remove", scratch, () => rm(scratch));
    } finally {
      await rm(stored, { force: true }).catch(() => {});
      await rm(scratch, { force: true }).catch(() => {});
    }
  }

  tempPath(): string {
    return path.join(this.#tmp, randomUUID());
  }

  async put(tempFile: string): Promise<Stored> {
    const hash = await sha256Of(tempFile);
    const target = this.pathOf(hash);
    await mkdir(path.dirname(target), { recursive: true });
    const version = versionOf(await stat(tempFile, { bigint: true }));
    try {
      await link(tempFile, target);
      await rm(tempFile, { force: true });
      return { hash, created: true, version };
    } catch (err) {
      if (!isCode(err, "EEXIST")) throw err;
    }
    // The same bytes are there already. This copy takes their place (rename is atomic, and readers
    // keep what they opened), so that a removal judging the older copy cannot take this one.
    await rename(tempFile, target);
    return { hash, created: false, version };
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error("not a content hash");
    return path.join(this.#root, hash.slice(0, 2), hash);
  }

  async remove(stored: Stored): Promise<void> {
    await this.#take(stored.hash, (s) => versionOf(s) === stored.version);
  }

  async *storedBefore(before: Date): AsyncIterable<string> {
    for (const shard of await readdir(this.#root)) {
      const names = await readdir(path.join(this.#root, shard)).catch((err: unknown) =>
        isCode(err, "ENOENT") || isCode(err, "ENOTDIR") ? [] : Promise.reject(err),
      );
      for (const name of names) {
        const file = path.join(this.#root, shard, name);
        const s = await stat(file).catch(() => null);
        if (s?.isFile() && s.mtime < before && /^[0-9a-f]{64}$/.test(name)) yield name;
      }
    }
  }

  reclaim(hash: string, before: Date): Promise<boolean> {
    return this.#take(hash, (s) => s.mtimeNs < BigInt(before.getTime()) * 1_000_000n);
  }

  async clearTempBefore(before: Date): Promise<void> {
    for (const name of await readdir(this.#tmp)) {
      const file = path.join(this.#tmp, name);
      const s = await stat(file).catch(() => null);
      if (s && s.mtime < before) await rm(file, { recursive: true, force: true });
    }
  }

  /**
   * Moves the file aside (atomic: a put from then on stores the bytes anew) and looks at what it
   * moved: if a put replaced the file in the meantime (`ours` says no), that copy goes back.
   */
  async #take(hash: string, ours: (moved: BigIntStats) => boolean): Promise<boolean> {
    const target = this.pathOf(hash);
    const aside = this.tempPath();
    try {
      await rename(target, aside);
    } catch (err) {
      if (isCode(err, "ENOENT")) return false;
      throw err;
    }
    const gone = ours(await stat(aside, { bigint: true }));
    if (!gone) {
      // A put since then that found no file stored its own copy, which is as good.
      await link(aside, target).catch((err: unknown) => (isCode(err, "EEXIST") ? undefined : Promise.reject(err)));
    }
    await rm(aside, { force: true });
    return gone;
  }
}
