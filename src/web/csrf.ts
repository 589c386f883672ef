import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { isSameSite } from "../http/origin.js";

export const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export function csrfToken(req: Request): string {
  // No session means the session store failed; the error page that follows needs no token.
  if (!req.session) return "";
  req.session.csrfToken ??= randomBytes(32).toString("base64url");
  return req.session.csrfToken;
}

export function tokenMatches(req: Request): boolean {
  const expected = req.session.csrfToken;
  const given = req.get("x-csrf-token") ?? (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!expected || typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class CsrfError extends Error {}

// A multipart message post carries its token inside the body, which is read later, by
// `receiveUploads`; its Origin is checked here like every other request's.
const multipartPosts = /^\/rooms\/\d+\/messages$/;

/** The composer's post: the one form that is multipart, parsed by its route rather than up front. */
export function isMultipartMessagePost(req: Request): boolean {
  return Boolean(req.is("multipart/form-data")) && multipartPosts.test(req.path);
}

/** Every state-changing request must come from our own pages and carry the session's token. */
export function csrfProtection(publicOrigin: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (safeMethods.has(req.method)) return next();
    if (!isSameSite(req, publicOrigin)) return next(new CsrfError());
    if (isMultipartMessagePost(req)) return next();
    if (!tokenMatches(req)) return next(new CsrfError());
    next();
  };
}
