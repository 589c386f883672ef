import type { Actor } from "../domain/access.js";
import type { Previous } from "../domain/history.js";
import type { Message } from "../domain/sql/messages.js";
import { render } from "./engine.js";
import { outOfBand, presentMessage, type MessageView } from "./message.js";
import { at, id, idOf } from "./dom.js";
import { memo } from "./memo.js";

/** Messages by the same author within this long of each other are shown as one group. */
const GROUP_MS = 5 * 60_000;

export interface DayDivider {
  id: string;
  iso: string;
  label: string;
}

/** A message as history shows it: opening a new day (with its divider) or continuing a group. */
export type TimelineItem = MessageView & { day?: DayDivider; continued: boolean };

const dayKey = (at: Date) => at.toISOString().slice(0, 10);
const weekdayAndDate = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
const withYear = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "Today", "Yesterday", "Monday 3 November" (with the year when it is not this year). Days are UTC. */
export function dayLabel(at: Date, now = new Date()): string {
  return labelOfDay(dayKey(at), dayKey(now));
}

// A label is a function of the day and of today; a page asks for the same few again and again.
const labels = memo(1_000, (days: string) => {
  const [day, today] = days.split(" ") as [string, string];
  if (day === today) return "Today";
  if (day === dayKey(new Date(Date.parse(today) - 86_400_000))) return "Yesterday";
  const at = new Date(`${day}T00:00:00Z`);
  return (day.slice(0, 4) === today.slice(0, 4) ? weekdayAndDate : withYear).format(at).replace(",", "");
});
const labelOfDay = (day: string, today: string) => labels(`${day} ${today}`);

/**
 * Messages with the day dividers and grouping between them, decided on the server. `previous` is
 * the message just before the first one (from the page before, or the room's last one for a live
 * message), so both stay right across page boundaries.
 */
export function timeline(messages: Message[], previous: Previous | null, viewer?: Actor, now = new Date()): TimelineItem[] {
  const today = dayKey(now);
  const items: TimelineItem[] = [];
  let before = previous;
  let dayBefore = previous && dayKey(previous.createdAt);
  for (const m of messages) {
    const day = dayKey(m.createdAt);
    const newDay = day !== dayBefore;
    const continued = !newDay && before!.authorId === m.author.id && m.createdAt.getTime() - before!.createdAt.getTime() < GROUP_MS;
    // The presenter's object is new, so it becomes the item itself rather than being copied.
    const item: TimelineItem = Object.assign(presentMessage(m, viewer), { continued });
    if (newDay) item.day = { id: idOf.day(day), iso: day, label: labelOfDay(day, today) };
    items.push(item);
    before = { authorId: m.author.id, createdAt: m.createdAt };
    dayBefore = day;
  }
  return items;
}

/** Messages as they are pushed live: added at the end of the timeline, with a day divider where one starts a new day. */
export function renderLivePush(messages: Message[], previous: Previous | null, viewer?: Actor): string {
  return outOfBand("beforeend", at(id.messages), render("partials/timeline", { items: timeline(messages, previous, viewer) }));
}
