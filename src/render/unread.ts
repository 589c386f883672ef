import type { SidebarRoom } from "../domain/rooms.js";
import { render } from "./engine.js";
import { outOfBand } from "./message.js";

/**
 * A room's sidebar row and the page's unread total. The row is swapped in place, or, when it has
 * just become the most recently active unread room of a sidebar sorted by activity, moved to the top.
 */
export function renderUnreadPush(room: SidebarRoom, current: boolean, total: number, toTop: boolean): string {
  const row = toTop
    ? `<li id="room-row-${room.id}" hx-swap-oob="delete"></li>` +
      outOfBand("afterbegin", "#room-list", render("partials/room-row", { room, current }))
    : render("partials/room-row", { room, current, oob: true });
  return row + render("partials/unread-total", { total, oob: true });
}
