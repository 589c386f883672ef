import type { NextFunction, Request, Response } from "express";

/**
 * HSTS only on a request that arrived over HTTPS (directly, or from a trusted proxy saying so):
 * on plain HTTP, as on a LAN, it would be meaningless, and browsers ignore it there anyway.
 */
export function strictTransportSecurity(req: Request, res: Response, next: NextFunction) {
  if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=15552000; includeSubDomains");
  next();
}

/**
 * For everything that depends on the session (mounted after it; static assets come before and
 * keep their caching): neither a shared cache nor the back button after logging out may show it.
 */
export function privateResponses(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("Cache-Control", "private, no-store");
  next();
}
