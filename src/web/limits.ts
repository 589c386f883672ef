import type { NextFunction, Request, RequestHandler, Response } from "express";
import { rateLimit, type Options } from "express-rate-limit";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { isDatabaseUnavailable } from "../db/pool.js";
import { userOf } from "./context.js";
import { RateLimitedError } from "./errors.js";
import { DatabaseRateLimitStore, RateLimitStoreError } from "./rate-limit-store.js";

const refuse = (_req: Request, _res: Response, next: NextFunction) => next(new RateLimitedError());
const common = { standardHeaders: "draft-8", legacyHeaders: false, handler: refuse } as const;

/**
 * The HTTP rate limits, counted in the database (rate-limit-store.ts) so that every Parley on it
 * shares them. When the store fails, a request whose database is not answering gets the 503 page
 * at once, as any page would (it could not succeed anyway, and waiting out a second query timeout
 * would only make it slower); any other failure of the store lets the request through without the
 * limit, with a warning: a limit is a brake on floods, not something a message or a log-in should
 * fail for (the per-account log-in throttle, login-throttle.ts, still stands in its own table).
 * express-rate-limit's `passOnStoreError` lets every failure through or none, hence `failOpen`.
 */
export function rateLimits(config: Config, db: Db, log: Logger) {
  const fifteenMinutes = 15 * 60 * 1000;
  const limiter = (name: string, options: Partial<Options>): RequestHandler => {
    const logger = log.child({ limiter: name });
    const limit = rateLimit({
      ...common,
      ...options,
      store: new DatabaseRateLimitStore(db, `${name}:`),
      // express-rate-limit's own complaints (a decrement that failed, a misconfiguration) go to our log.
      logger: { warn: (err, msg) => logger.warn({ err }, msg), error: (err, msg) => logger.error({ err }, msg) },
    });
    return failOpen(limit, logger);
  };
  return {
    // Only failed log-ins count, so a person who types their password right is never held up.
    logIn: limiter("log-in", { windowMs: fifteenMinutes, limit: config.RATE_LIMIT_AUTH_PER_15_MIN, skipSuccessfulRequests: true }),
    signUp: limiter("sign-up", { windowMs: fifteenMinutes, limit: config.RATE_LIMIT_AUTH_PER_15_MIN }),
    messages: limiter("messages", {
      windowMs: 60 * 1000,
      limit: config.RATE_LIMIT_MESSAGES_PER_MIN,
      keyGenerator: (_req, res) => `user:${userOf(res).id}`,
    }),
  };
}

function failOpen(limit: RequestHandler, log: Logger): RequestHandler {
  return (req, res, next) =>
    limit(req, res, (err?: unknown) => {
      if (!(err instanceof RateLimitStoreError) || isDatabaseUnavailable(err)) return next(err);
      log.warn({ err: err.cause }, "the rate-limit store failed: request let through without its limit");
      next();
    });
}
