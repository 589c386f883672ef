import type { NextFunction, Request, Response } from "express";
import { isDatabaseUnavailable } from "../db/pool.js";
import { InvalidInputError, NotFoundError } from "../domain/errors.js";
import { UnsupportedBodyError } from "./bodies.js";
import type { Web } from "./context.js";
import { CsrfError } from "./csrf.js";

/** Raised by the rate limiters, so that a refusal renders like every other error page. */
export class RateLimitedError extends Error {}

interface ErrorPage {
  status: number;
  heading: string;
  message: string;
}

const pages = {
  notFound: { status: 404, heading: "Not found", message: "There is nothing here, or you do not have access to it." },
  csrf: {
    status: 403,
    heading: "This form could not be accepted",
    message: "It came from another site, or the page was open too long. Go back, reload the page and try again.",
  },
  rateLimited: {
    status: 429,
    heading: "Slow down",
    message: "Too many requests in a short time. Wait a minute and try again.",
  },
  tooLarge: { status: 413, heading: "Too much at once", message: "What you sent is larger than Parley accepts." },
  badRequest: { status: 400, heading: "Bad request", message: "Parley could not understand what was sent." },
  databaseUnavailable: {
    status: 503,
    heading: "Parley cannot reach its database right now",
    message: "It may be restarting or busy. Wait a moment, then try again.",
  },
  server: {
    status: 500,
    heading: "Something went wrong",
    message: "Parley hit an unexpected problem. It has been logged; please try again.",
  },
} satisfies Record<string, ErrorPage>;

function pageFor(err: unknown): ErrorPage {
  if (err instanceof NotFoundError) return pages.notFound;
  if (err instanceof CsrfError) return pages.csrf;
  if (err instanceof RateLimitedError) return pages.rateLimited;
  if (err instanceof InvalidInputError) return { ...pages.badRequest, status: err.status, message: err.message };
  if (err instanceof UnsupportedBodyError) return { status: 415, heading: "This form could not be read", message: err.message };
  const type = (err as { type?: string }).type;
  if (type === "entity.too.large") return pages.tooLarge;
  const status = (err as { status?: number }).status;
  if (status !== undefined && status >= 400 && status < 500) return pages.badRequest;
  if (isDatabaseUnavailable(err)) return pages.databaseUnavailable;
  return pages.server;
}

export function notFound(_req: Request, _res: Response, next: NextFunction) {
  next(new NotFoundError());
}

export function errorPages(web: Web) {
  return async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const page = pageFor(err);
    if (page.status >= 500) req.log.error({ err }, "request failed");
    if (res.headersSent) return;
    // A server error may come from the database itself: render without the sidebar it would need.
    if (page.status >= 500) delete res.locals.user;
    try {
      await web.page(req, res, "pages/error", { title: page.heading, ...page }, page.status);
    } catch (renderErr) {
      req.log.error({ err: renderErr }, "error page failed");
      res.status(page.status).type("text").send(`${page.heading}. ${page.message}`);
    }
  };
}
