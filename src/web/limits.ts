import type { NextFunction, Request, Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Config } from "../config.js";
import { userOf } from "./context.js";
import { RateLimitedError } from "./errors.js";

const refuse = (_req: Request, _res: Response, next: NextFunction) => next(new RateLimitedError());
const common = { standardHeaders: "draft-8", legacyHeaders: false, handler: refuse } as const;

export function rateLimits(config: Config) {
  const fifteenMinutes = 15 * 60 * 1000;
  return {
    // Only failed log-ins count, so a person who types their password right is never held up.
    logIn: rateLimit({ ...common, windowMs: fifteenMinutes, limit: config.RATE_LIMIT_AUTH_PER_15_MIN, skipSuccessfulRequests: true }),
    signUp: rateLimit({ ...common, windowMs: fifteenMinutes, limit: config.RATE_LIMIT_AUTH_PER_15_MIN }),
    messages: rateLimit({
      ...common,
      windowMs: 60 * 1000,
      limit: config.RATE_LIMIT_MESSAGES_PER_MIN,
      keyGenerator: (_req, res) => `user:${userOf(res).id}`,
    }),
  };
}
