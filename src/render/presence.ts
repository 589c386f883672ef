import type { PresenceState } from "../domain/presence.js";
import { render } from "./engine.js";

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "just now", "5 minutes ago", "3 hours ago", "yesterday", then a date. */
function lastSeenLabel(at: Date, now = new Date()): string {
  const minutes = Math.round((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return relative.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 24) return relative.format(-hours, "hour");
  const days = Math.round(hours / 24);
  return days < 7 ? relative.format(-days, "day") : `on ${day.format(at)}`;
}

export interface PresenceView {
  userId: number;
  online: boolean;
  /** What a screen reader (and a hover) says: the dot is never the only signal. */
  label: string;
  oob?: boolean;
}

export function presentPresence({ userId, online, lastSeenAt }: PresenceState): PresenceView {
  if (online) return { userId, online, label: "online" };
  return { userId, online, label: lastSeenAt ? `offline, last seen ${lastSeenLabel(lastSeenAt)}` : "offline" };
}

/** The presence partial as a push: it replaces every copy of this person's dot on the page. */
export function renderPresencePush(state: PresenceState): string {
  return render("partials/presence", { ...presentPresence(state), oob: true });
}
