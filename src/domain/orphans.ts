import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { attachments } from "../db/schema.js";
import type { Deps } from "./deps.js";

/**
 * A file is stored before the message that refers to it commits (the post needs its hash for the
 * row), so a process killed in between leaves a stored file no row names, and one killed during
 * an upload leaves a scratch file. The sweep removes both once they are older than the grace
 * period: an in-flight post's files are fresh, and storing bytes that are already there makes
 * them fresh again (FileStore.put), so a post never loses a file it is about to refer to. It runs
 * at start-up and then periodically in every process; sweeps of several processes over one store
 * and database are safe together (a removal is a rename, and the loser finds nothing).
 */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const BATCH = 500;

/** Those of these hashes no row refers to, as original, thumbnail or poster (index probes each). */
export async function unreferenced(db: Db, hashes: string[]): Promise<string[]> {
  const rows = await db
    .select({ hash: sql<string>`h` })
    .from(sql`unnest(${sql.param(hashes)}::text[]) as h`)
    .where(
      sql`not exists (select 1 from ${attachments} where ${attachments.hash} = h)
       and not exists (select 1 from ${attachments} where ${attachments.thumbHash} = h)
       and not exists (select 1 from ${attachments} where ${attachments.posterHash} = h)`,
    );
  return rows.map((r) => r.hash);
}

/** Removes stored files no attachment refers to and scratch files, both older than the grace; counts the stored ones. */
export async function sweepOrphans({ db, files }: Pick<Deps, "db" | "files">, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - ORPHAN_GRACE_MS);
  await files.clearTempBefore(before);
  let removed = 0;
  const sweep = async (batch: string[]) => {
    for (const hash of await unreferenced(db, batch)) if (await files.reclaim(hash, before)) removed++;
  };
  const batch: string[] = [];
  for await (const hash of files.storedBefore(before)) {
    batch.push(hash);
    if (batch.length === BATCH) await sweep(batch.splice(0));
  }
  if (batch.length) await sweep(batch);
  return removed;
}

/** Runs the sweep now and then every `intervalMs`, one at a time; `stop` waits for a running one. */
export class OrphanSweeper {
  #timer: NodeJS.Timeout | undefined;
  /** The sweep under way or the last one (what tests and `stop` wait on). */
  current: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Pick<Deps, "db" | "files">,
    private readonly log: Logger,
    private readonly intervalMs = ORPHAN_GRACE_MS,
  ) {}

  start(): void {
    this.#run();
    this.#timer = setInterval(() => this.#run(), this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.current;
  }

  #run(): void {
    this.current = this.current.then(async () => {
      try {
        const removed = await sweepOrphans(this.deps);
        if (removed) this.log.info({ removed }, "removed stored files no message refers to");
      } catch (err) {
        this.log.error({ err }, "sweeping stored files failed");
      }
    });
  }
}
