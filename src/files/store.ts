import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";

export interface Stored {
  hash: string;
  /** False when the same bytes were already stored: nothing new to undo. */
  created: boolean;
}

/**
 * Where uploaded files live, named by the SHA-256 of their bytes. Local disk today; the interface
 * is what an S3-compatible store would implement (`pathOf` would become a read stream with range).
 */
export interface FileStore {
  /** A scratch path for an upload in progress, on the same disk as the store. */
  tempPath(): string;
  /** Moves a finished temporary file into the store; the temporary path is gone afterwards. */
  put(tempFile: string): Promise<Stored>;
  pathOf(hash: string): string;
  remove(hash: string): Promise<void>;
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

export class LocalFileStore implements FileStore {
  readonly #root: string;
  readonly #tmp: string;

  private constructor(root: string) {
    this.#root = path.join(root, "files");
    this.#tmp = path.join(root, "tmp");
  }

  static async open(dir: string): Promise<LocalFileStore> {
    const store = new LocalFileStore(path.resolve(dir));
    await mkdir(store.#root, { recursive: true });
    // Whatever an earlier process left half-received is garbage.
    await rm(store.#tmp, { recursive: true, force: true });
    await mkdir(store.#tmp, { recursive: true });
    return store;
  }

  tempPath(): string {
    return path.join(this.#tmp, randomUUID());
  }

  async put(tempFile: string): Promise<Stored> {
    const hash = await sha256Of(tempFile);
    const target = this.pathOf(hash);
    await mkdir(path.dirname(target), { recursive: true });
    let created = true;
    try {
      // link() fails if the name exists, so two uploads of the same bytes cannot clobber each other.
      await link(tempFile, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      created = false;
    }
    await rm(tempFile, { force: true });
    return { hash, created };
  }

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error("not a content hash");
    return path.join(this.#root, hash.slice(0, 2), hash);
  }

  async remove(hash: string): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }

}
