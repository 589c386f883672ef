import type { Actor, Granted } from "../domain/access.js";
import { lastChange } from "../domain/sql/changes.js";
import type { Deps } from "../domain/deps.js";
import { historyPage, type HistoryPage, type PageRequest } from "../domain/history.js";
import { readPointer, receipts } from "../domain/reading.js";
import { render } from "./engine.js";
import { receiptsByMessage, type ReceiptView } from "./receipts.js";
import type { RoomView } from "./rooms.js";
import { timeline, type TimelineItem } from "./timeline.js";

export interface Edge {
  /** "end": nothing newer any more (the newer loader is removed). */
  edge: "older" | "start" | "newer" | "end";
  roomId: number;
  messageId?: number;
  room: RoomView;
}

/** The loader (or the start-of-room line) above a page, and the loader below it when there is more. */
export function edgesOf(page: HistoryPage, room: RoomView): { top: Edge; bottom: Edge | null } {
  const first = page.messages[0]?.id;
  const last = page.messages.at(-1)?.id;
  return {
    top: page.hasOlder ? { edge: "older", roomId: room.id, messageId: first, room } : { edge: "start", roomId: room.id, room },
    bottom: page.hasNewer ? { edge: "newer", roomId: room.id, messageId: last, room } : null,
  };
}

export interface RoomTimeline {
  room: RoomView;
  items: Array<TimelineItem & { receipts?: ReceiptView[]; target: boolean }>;
  top: Edge;
  bottom: Edge | null;
  /** The page shows an older stretch: live messages wait until the reader gets to the newest. */
  inHistory: boolean;
  firstUnreadId?: number;
  /** The newest message shown when the page is at the newest end: where its socket picks up. */
  newestId: number | null;
  /** The room's newest change (edit, deletion, reaction) the page shows: later ones reach its socket. */
  changes: number;
}

/** A page of a room's messages as one viewer sees it, with receipts, edges and the "New messages" line. */
export async function presentTimeline(
  deps: Deps,
  granted: Granted<"read">,
  room: RoomView,
  viewer: Actor,
  request: PageRequest,
): Promise<RoomTimeline> {
  const viewerId = viewer.id;
  // Read before the messages, so that a change between the two is sent again rather than missed.
  const changes = await lastChange(deps.db, granted.id);
  const [page, lastRead, seen] = await Promise.all([
    historyPage(deps, granted, request),
    readPointer(deps, viewerId, room.id),
    receipts(deps, room.id),
  ]);
  const receiptsAt = receiptsByMessage(seen, viewerId);
  const target = "around" in request ? request.around : undefined;
  const items = timeline(page.messages, page.previous, viewer).map((item) =>
    Object.assign(item, { receipts: receiptsAt.get(item.id), target: item.id === target }),
  );
  // The "New messages" divider belongs to the newest page, the one a person opens the room on.
  const firstUnread = page.hasNewer
    ? undefined
    : page.messages.find((m) => m.id > (lastRead ?? 0) && m.author.id !== viewerId && !m.deletedAt);
  return {
    room,
    items,
    inHistory: page.hasNewer,
    ...edgesOf(page, room),
    firstUnreadId: firstUnread?.id,
    newestId: page.hasNewer ? null : (page.messages.at(-1)?.id ?? 0),
    changes,
  };
}

/**
 * The whole timeline again, its items in the history list (so that nothing is announced): for a
 * page that missed more than is worth sending one by one.
 */
export function renderTimelineReset(timeline: RoomTimeline): string {
  return render("partials/room-timeline", { ...timeline, quiet: true, oob: true });
}

/**
 * A page of history as a fragment, for htmx: its items go where the loader's hx-target says; the
 * loader itself is replaced out of band by the next one (an older page: the next older loader or the
 * start of the room; a newer page: the next newer loader), or removed when there is nothing newer.
 */
export function renderHistoryPage(page: HistoryPage, direction: "older" | "newer", room: RoomView, viewer: Actor): string {
  const { top, bottom } = edgesOf(page, room);
  const edge = direction === "older" ? top : (bottom ?? { edge: "end", roomId: room.id, room });
  return (
    render("partials/timeline", { items: timeline(page.messages, page.previous, viewer) }) +
    render("partials/history-edge", { ...edge, oob: true })
  );
}
