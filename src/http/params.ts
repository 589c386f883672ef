import type { Request } from "express";
import type { PageRequest } from "../domain/history.js";

/** Parses a numeric id from a URL; anything else becomes an id that matches nothing. */
export function idParam(value: unknown): number {
  const n = typeof value === "string" && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : -1;
}

/** Which page of history a request asks for: `?before=ID`, `?after=ID`, or the newest. */
export function pageRequest(req: Request): PageRequest {
  const query = req.query as Record<string, unknown>;
  if (typeof query.before === "string") return { before: idParam(query.before) };
  if (typeof query.after === "string") return { after: idParam(query.after) };
  return { latest: true };
}
