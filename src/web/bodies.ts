import type { NextFunction, Request, Response } from "express";
import { isMultipartMessagePost, safeMethods } from "./csrf.js";

/** A state-changing request whose body is not a form: 415, naming what it was sent as. */
export class UnsupportedBodyError extends Error {}

const hasBytes = (req: Request) => req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/**
 * Every state-changing request Parley takes is a form: urlencoded (parsed by now) or the composer's
 * multipart post (parsed by its route). Express leaves `req.body` undefined when no parser ran, so a
 * JSON, text or other body is refused here, before any handler acts on it; a request with no body at
 * all is an empty form, and its handler names what it lacks as for any other form.
 */
export function formBodies(req: Request, _res: Response, next: NextFunction): void {
  if (safeMethods.has(req.method) || req.body !== undefined || isMultipartMessagePost(req)) return next();
  // Nothing to misread, whatever its label says (the urlencoded parser skips a body without a length).
  if (!hasBytes(req)) {
    req.body = {};
    return next();
  }
  const type = req.get("content-type")?.split(";")[0]!.trim().slice(0, 100);
  const sent = type ? `as ${type}` : "with no type";
  next(new UnsupportedBodyError(`Parley takes only forms here, and this was sent ${sent}.`));
}
