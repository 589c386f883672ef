import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Application } from "express";

/** Express's compiled `trust proxy` setting: may the hop at `address` speak for the client? */
export type TrustProxy = (address: string, hop: number) => boolean;

/** The app's compiled `trust proxy` setting (Express's settings are untyped). */
export const trustProxyOf = (app: Application): TrustProxy => app.get("trust proxy fn") as TrustProxy;

/**
 * The origin a request was sent to: its scheme (from a trusted proxy's X-Forwarded-Proto, as
 * Express's `req.protocol`) and its Host. One function for HTTP requests and WebSocket upgrades.
 */
export function requestOrigin(req: IncomingMessage, trust: TrustProxy): string {
  let scheme = (req.socket as TLSSocket).encrypted ? "https" : "http";
  const forwarded = req.headers["x-forwarded-proto"];
  if (typeof forwarded === "string" && trust(req.socket.remoteAddress ?? "", 0)) {
    scheme = forwarded.split(",")[0]!.trim().toLowerCase();
  }
  return `${scheme}://${req.headers.host ?? ""}`;
}

/**
 * True when a request comes from a page of this site: its Origin (if sent) is ours, and the
 * browser did not label it cross-site. "Ours" is PUBLIC_ORIGIN when set, otherwise the scheme and
 * Host the request was sent to (so an http:// page cannot post to the https:// site).
 */
export function isSameSite(req: IncomingMessage, publicOrigin: string | undefined, trust: TrustProxy): boolean {
  const fetchSite = req.headers["sec-fetch-site"];
  if (fetchSite === "cross-site" || fetchSite === "same-site") return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  // Browsers send "null" under some referrer policies and privacy settings; trust it only when
  // they also say the request came from this very origin.
  if (origin === "null") return fetchSite === "same-origin";
  try {
    return new URL(origin).origin === (publicOrigin ?? new URL(requestOrigin(req, trust)).origin);
  } catch {
    return false;
  }
}
