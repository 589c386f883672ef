import type { Totals } from "../domain/reading.js";
import type { SidebarRoom } from "../domain/rooms.js";
import { render } from "./engine.js";
import { outOfBand } from "./message.js";
import type { RoomView } from "./rooms.js";
import { at, id, idOf } from "./dom.js";

/**
 * A room's sidebar row and the page's unread total. The row is swapped in place, or, when it has
 * just become the most recently active unread room of a sidebar sorted by activity, moved to the top.
 */
const listOf = (room: SidebarRoom) => at(room.kind === "room" ? id.roomList : id.conversationList);

export function renderUnreadPush(room: RoomView<SidebarRoom>, current: boolean, totals: Totals, toTop: boolean): string {
  const list = listOf(room);
  const row = toTop
    ? `<li id="${idOf.roomRow(room.id)}" hx-swap-oob="delete"></li>` +
      outOfBand("afterbegin", list, render("partials/room-row", { room, current }))
    : render("partials/room-row", { room, current, oob: true });
  return row + renderTotals(totals);
}

/**
 * What a page's title starts with: "(@2 · 5) " for two mentions or direct messages among five
 * unread, "(5) " for five unread, nothing when all is read.
 */
export function presentTotals({ unread, urgent }: Totals): { titlePrefix: string } {
  return { titlePrefix: urgent > 0 ? `(@${urgent} · ${unread}) ` : unread > 0 ? `(${unread}) ` : "" };
}

/** The page's totals, which public/js/reading.js turns into its title. */
export const renderTotals = (totals: Totals) => render("partials/unread-total", { ...presentTotals(totals), oob: true });

/** A whole sidebar list in its new order (its rooms are all of one section), and the unread total. */
export function renderRoomListPush(
  rooms: RoomView<SidebarRoom>[],
  kind: "room" | "conversation",
  currentRoomId: number | null,
  totals: Totals,
): string {
  const list = at(kind === "room" ? id.roomList : id.conversationList);
  return outOfBand("innerHTML", list, render("partials/room-rows", { rooms, currentRoomId })) + renderTotals(totals);
}
