import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const tests = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The test files that run inside a shard: every unit and integration test, by name. */
const sharded = ["unit", "integration"]
  .flatMap((folder) => readdirSync(path.join(tests, folder)).map((name) => `${folder}/${name}`))
  .filter((file) => file.endsWith(".test.ts"))
  .sort();

/**
 * Runs this shard's part of the unit and integration tests in this one process. Node 20 gives every
 * test file a process of its own, and each paid some 2 s of CPU to load Parley through tsx before
 * its first test; a shard pays it once for a dozen files. A shard file is named `<k>-of-<n>.test.ts`
 * and takes every n-th file from the k-th, so together the shards run every file exactly once, new
 * files included. The files are imported one after another, and their tests join this process's
 * list as they would their own: so a test file never calls a hook (`beforeEach`, say) outside a
 * `describe`, where it would apply to the files after it too (eslint.config.js forbids it). Every
 * file still runs alone: `node --import tsx --test tests/integration/rooms.test.ts`.
 */
export async function runShard(shardUrl: string): Promise<void> {
  const match = /(\d+)-of-(\d+)\.test\.ts$/.exec(fileURLToPath(shardUrl));
  if (!match) throw new Error(`a shard file is named <k>-of-<n>.test.ts, not ${shardUrl}`);
  const [k, n] = [Number(match[1]), Number(match[2])];
  for (const file of sharded.filter((_, i) => i % n === k - 1)) await import(pathToFileURL(path.join(tests, file)).href);
}
