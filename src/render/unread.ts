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

export function renderUnreadPush(room: RoomView<SidebarRoom>, current: boolean, total: number, toTop: boolean): string {
  const list = listOf(room);
  const row = toTop
    ? `<li id="${idOf.roomRow(room.id)}" hx-swap-oob="delete"></li>` +
      outOfBand("afterbegin", list, render("partials/room-row", { room, current }))
    : render("partials/room-row", { room, current, oob: true });
  return row + render("partials/unread-total", { total, oob: true });
}

/** A whole sidebar list in its new order (its rooms are all of one section), and the unread total. */
export function renderRoomListPush(rooms: RoomView<SidebarRoom>[], currentRoomId: number | null, total: number): string {
  if (rooms.length === 0) return render("partials/unread-total", { total, oob: true });
  const list = outOfBand("innerHTML", listOf(rooms[0]!), render("partials/room-rows", { rooms, currentRoomId }));
  return list + render("partials/unread-total", { total, oob: true });
}
