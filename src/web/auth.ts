import type { NextFunction, Request, Response } from "express";
import { findUser } from "../domain/accounts.js";
import type { Deps } from "../domain/deps.js";
import { currentUser, isHtmx } from "./context.js";

export function loadUser(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = req.session.userId;
    if (id === undefined) return next();
    const user = await findUser(deps, id);
    if (user) res.locals.user = user;
    else delete req.session.userId;
    next();
  };
}

export function requireUser(req: Request, res: Response, next: NextFunction) {
  if (currentUser(res)) return next();
  const login = req.method === "GET" ? `/login?next=${encodeURIComponent(req.originalUrl)}` : "/login";
  if (isHtmx(req)) {
    res.set("HX-Redirect", login).status(401).end();
    return;
  }
  res.redirect(303, login);
}

/** Only local paths, so that `next` cannot send someone to another site. */
export function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/";
}
