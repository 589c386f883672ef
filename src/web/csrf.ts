import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { isSameSite, trustProxyOf } from "../http/origin.js";

export const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** Holds a logged-out visitor's random value; the forms carry its HMAC. */
export const CSRF_COOKIE = "parley.csrf";
const nonces = new WeakMap<Request, string>();

export class CsrfError extends Error {}

// A multipart message post carries its token inside the body, which is read later, by
// `receiveUploads`; its Origin is checked here like every other request's.
const multipartPosts = /^\/rooms\/\d+\/messages$/;

/** The composer's post: the one form that is multipart, parsed by its route rather than up front. */
export function isMultipartMessagePost(req: Request): boolean {
  return Boolean(req.is("multipart/form-data")) && multipartPosts.test(req.path);
}

function cookieNonce(req: Request): string | undefined {
  for (const pair of (req.headers.cookie ?? "").split(/;\s*/)) {
    const [name, value] = pair.split("=", 2);
    if (name === CSRF_COOKIE && value && /^[\w-]{43}$/.test(value)) return value;
  }
  return undefined;
}

function sameText(given: unknown, expected: string | undefined): boolean {
  if (!expected || typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * CSRF tokens. A logged-in session keeps its own token. A logged-out visitor (log-in and sign-up
 * forms) gets a signed double-submit token instead, so that merely opening a form stores nothing:
 * an httpOnly cookie holds a random value and the form carries its HMAC under the session secret,
 * which no other site can compute or read.
 */
export class Csrf {
  readonly #key: Buffer;

  constructor(sessionSecret: string) {
    // Its own key, so that a token is never also a valid session-cookie signature.
    this.#key = createHmac("sha256", sessionSecret).update("parley csrf").digest();
  }

  #sign(nonce: string): string {
    return createHmac("sha256", this.#key).update(nonce).digest("base64url");
  }

  #expected(req: Request): string | undefined {
    if (req.session?.userId !== undefined) return req.session.csrfToken;
    const nonce = cookieNonce(req);
    return nonce && this.#sign(nonce);
  }

  /** The token for the forms of the page being rendered; sets the visitor's cookie if need be. */
  token(req: Request, res: Response): string {
    // No session means the session store failed; the error page that follows needs no token.
    if (!req.session) return "";
    if (req.session.userId !== undefined) {
      req.session.csrfToken ??= randomBytes(32).toString("base64url");
      return req.session.csrfToken;
    }
    let nonce = cookieNonce(req) ?? nonces.get(req);
    if (!nonce) {
      nonce = randomBytes(32).toString("base64url");
      nonces.set(req, nonce);
      res.cookie(CSRF_COOKIE, nonce, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
    }
    return this.#sign(nonce);
  }

  matches(req: Request): boolean {
    const given = req.get("x-csrf-token") ?? (req.body as Record<string, unknown> | undefined)?._csrf;
    return sameText(given, this.#expected(req));
  }

  /** Every state-changing request must come from our own pages and carry the right token. */
  protection(publicOrigin: string | undefined) {
    return (req: Request, _res: Response, next: NextFunction) => {
      if (safeMethods.has(req.method)) return next();
      if (!isSameSite(req, publicOrigin, trustProxyOf(req.app))) return next(new CsrfError());
      if (isMultipartMessagePost(req)) return next();
      if (!this.matches(req)) return next(new CsrfError());
      next();
    };
  }
}
