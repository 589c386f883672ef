import type { SidebarRoom } from "../domain/rooms.js";
import { render } from "./engine.js";

/** A room's sidebar row and the page's unread total, swapped in place. */
export function renderUnreadPush(room: SidebarRoom, current: boolean, total: number): string {
  return (
    render("partials/room-row", { room, current, oob: true }) + render("partials/unread-total", { total, oob: true })
  );
}
