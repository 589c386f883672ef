import type { Agent } from "node:https";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import webpush, { WebPushError } from "web-push";
import { rowsOf, type Db } from "../db/client.js";
import type { PushOutbox } from "../domain/deps.js";
import type { Vapid } from "./vapid.js";

/** A job claimed from push_jobs, with where it goes. */
interface Claimed {
  id: number;
  subscriptionId: number;
  payload: string;
  topic: string | null;
  attempts: number;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushWorkerOptions {
  vapid: Vapid;
  /** Requests in flight at once (PUSH_CONCURRENCY). */
  concurrency: number;
  log: Logger;
  /** How often due jobs are looked for without being told (other instances' posts, retries). */
  pollMs?: number;
  /** The longest a push service may take to answer one request. */
  timeoutMs?: number;
  /** Sends after the first, then given up (with a warning). */
  maxAttempts?: number;
  /** The first retry's wait, doubled each time (a Retry-After header is used instead when given). */
  retryBaseMs?: number;
  /** For HTTPS to push services (tests: one that trusts their own certificate). */
  agent?: Agent;
}

/** How long a push service keeps a notification for an offline device: a day-old chat line is stale. */
const TTL_SECONDS = 24 * 60 * 60;
const MAX_RETRY_MS = 10 * 60 * 1000;

/**
 * Sends queued Web Push notifications. Jobs are claimed by deleting them (`FOR UPDATE SKIP LOCKED`),
 * so two instances on one database never send one twice; a job that fails for a reason worth
 * retrying (429, 5xx, no answer) is queued again for later, and a subscription the push service
 * says is gone (404, 410) is deleted. A crash between claim and send loses that notification: at
 * most once, never twice. Nothing here throws: every failure is logged.
 */
export class PushWorker implements PushOutbox {
  readonly #db: Db;
  readonly #options: Required<Omit<PushWorkerOptions, "agent">> & { agent?: Agent };
  #poll: NodeJS.Timeout | undefined;
  #retry: { timer: NodeJS.Timeout; at: number } | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(db: Db, options: PushWorkerOptions) {
    this.#db = db;
    this.#options = { pollMs: 5_000, timeoutMs: 10_000, maxAttempts: 5, retryBaseMs: 1_000, ...options };
  }

  get publicKey(): string {
    return this.#options.vapid.publicKey;
  }

  start(): void {
    this.#poll = setInterval(() => this.queued(), this.#options.pollMs);
    this.#poll.unref();
    this.queued();
  }

  queued(): void {
    if (this.#stopped) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#again) {
        this.#again = false;
        this.queued();
      }
    });
  }

  /** Resolves once nothing is being claimed or sent: what was queued before the call has been sent or queued again. */
  async settled(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Stops claiming; what was claimed is still sent (each request within its timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    clearTimeout(this.#retry?.timer);
    await this.#draining;
  }

  async #drain(): Promise<void> {
    try {
      const batch = this.#options.concurrency * 8;
      for (;;) {
        const jobs = await this.#claim(batch);
        await this.#sendAll(jobs);
        if (jobs.length < batch || this.#stopped) return;
      }
    } catch (err) {
      this.#options.log.error({ err }, "push jobs could not be claimed");
    }
  }

  async #claim(limit: number): Promise<Claimed[]> {
    const result = await this.#db.execute(sql`with claimed as (
        delete from push_jobs where id in (
          select id from push_jobs where run_after <= now() order by id limit ${limit} for update skip locked
        ) returning id, subscription_id, payload, topic, attempts
      )
      select c.id, c.subscription_id as "subscriptionId", c.payload, c.topic, c.attempts, s.endpoint, s.p256dh, s.auth
      from claimed c join push_subscriptions s on s.id = c.subscription_id
      order by c.id`);
    return rowsOf<Claimed>(result).map((r) => ({
      ...r,
      id: Number(r.id),
      subscriptionId: Number(r.subscriptionId),
    }));
  }

  /** Sends the jobs, `concurrency` at a time. */
  async #sendAll(jobs: Claimed[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) await this.#send(jobs[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency, jobs.length) }, lane));
  }

  async #send(job: Claimed): Promise<void> {
    const { vapid, timeoutMs, agent, log } = this.#options;
    try {
      await webpush.sendNotification({ endpoint: job.endpoint, keys: { p256dh: job.p256dh, auth: job.auth } }, job.payload, {
        vapidDetails: vapid,
        TTL: TTL_SECONDS,
        urgency: "normal",
        ...(job.topic ? { topic: job.topic } : {}),
        timeout: timeoutMs,
        ...(agent ? { agent } : {}),
      });
    } catch (err) {
      await this.#failed(job, err).catch((failure: unknown) =>
        log.error({ err: failure, jobId: job.id }, "a failed push could not be handled"),
      );
      return;
    }
    // Sent: only a notification may still be showing, which a read later closes (queueClosePushes).
    if ((JSON.parse(job.payload) as { type?: string }).type === "close") return;
    await this.#db
      .execute(sql`update push_subscriptions set last_sent_at = now() where id = ${job.subscriptionId}`)
      .catch((err: unknown) => log.error({ err, subscriptionId: job.subscriptionId }, "a push's sending time could not be kept"));
  }

  async #failed(job: Claimed, err: unknown): Promise<void> {
    const { log, maxAttempts } = this.#options;
    const status = err instanceof WebPushError ? err.statusCode : null;
    if (status === 404 || status === 410) {
      log.info({ subscriptionId: job.subscriptionId, status }, "push subscription gone: removed");
      await this.#db.execute(sql`delete from push_subscriptions where id = ${job.subscriptionId}`);
      return;
    }
    const retryable = status === null || status === 429 || status >= 500;
    const attempts = job.attempts + 1;
    if (!retryable || attempts >= maxAttempts) {
      log.warn({ err, status, attempts, subscriptionId: job.subscriptionId }, "push dropped");
      return;
    }
    const waitMs = this.#retryDelay(err, attempts);
    await this.#db.execute(sql`insert into push_jobs (subscription_id, payload, topic, attempts, run_after)
      values (${job.subscriptionId}, ${job.payload}, ${job.topic}, ${attempts}, now() + ${waitMs} * interval '1 millisecond')`);
    log.info({ status, attempts, waitMs, subscriptionId: job.subscriptionId }, "push queued again");
    this.#wakeIn(waitMs);
  }

  /** Retry-After (seconds or a date) when the push service gave one, else exponential backoff. */
  #retryDelay(err: unknown, attempts: number): number {
    const header = err instanceof WebPushError ? (err.headers as Record<string, string | undefined>)["retry-after"] : undefined;
    const given = header === undefined ? NaN : /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
    const wait = Number.isFinite(given) ? given : this.#options.retryBaseMs * 2 ** (attempts - 1);
    return Math.min(Math.max(wait, 0), MAX_RETRY_MS);
  }

  /** A retry goes out on time rather than at the next poll after it. */
  #wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.#stopped || ms >= this.#options.pollMs || (this.#retry && this.#retry.at <= at)) return;
    clearTimeout(this.#retry?.timer);
    const timer = setTimeout(() => {
      this.#retry = undefined;
      this.queued();
    }, ms + 10);
    timer.unref();
    this.#retry = { timer, at };
  }
}
