import type { IncomingMessage } from "node:http";

/**
 * True when a request comes from a page of this site: its Origin (if sent) is ours, and the
 * browser did not label it cross-site. With no PUBLIC_ORIGIN set, "ours" is the Host header.
 */
export function isSameSite(req: IncomingMessage, publicOrigin: string | undefined): boolean {
  const fetchSite = req.headers["sec-fetch-site"];
  if (fetchSite === "cross-site" || fetchSite === "same-site") return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  // Browsers send "null" under some referrer policies and privacy settings; trust it only when
  // they also say the request came from this very origin.
  if (origin === "null") return fetchSite === "same-origin";
  if (publicOrigin) return origin === publicOrigin;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
