import type { User } from "../domain/accounts.js";
import type { Presence } from "../domain/presence.js";
import type { Totals } from "../domain/reading.js";
import type { SidebarRoom } from "../domain/rooms.js";
import { render } from "./engine.js";
import { outOfBand } from "./message.js";
import { presentRoom, type RoomView } from "./rooms.js";
import { at, id } from "./dom.js";
import { renderTotals } from "./unread.js";

export interface SidebarView {
  rooms: RoomView<SidebarRoom>[];
  conversations: RoomView<SidebarRoom>[];
  unreadTotal: Totals;
}

/** A person's rooms and conversations as their sidebar lists them, and their unread total. */
export function presentSidebar(mine: SidebarRoom[], user: Pick<User, "id" | "sidebarOrder">, presence: Presence): SidebarView {
  const sidebar = mine.map((room) => presentRoom(room, user.id, presence));
  const conversations = sidebar.filter((room) => room.isConversation);
  // Conversations have no name of their own to sort by in the query: their label is per viewer.
  if (user.sidebarOrder === "alphabetical") conversations.sort((a, b) => a.label.localeCompare(b.label, "en"));
  return {
    rooms: sidebar.filter((room) => !room.isConversation),
    conversations,
    unreadTotal: totalsOf(mine),
  };
}

/** What a sidebar's rooms add up to (as urgentOfMembership counts it in SQL). */
export function totalsOf(mine: SidebarRoom[]): Totals {
  let unread = 0;
  let urgent = 0;
  for (const room of mine) {
    unread += room.unread;
    urgent += room.kind === "room" ? room.mentions : room.unread;
  }
  return { unread, urgent };
}

/** Both sidebar lists and the unread total, replaced whole: for a page coming back after being away. */
export function renderSidebarPush(sidebar: SidebarView, currentRoomId: number | null): string {
  return (
    outOfBand("innerHTML", at(id.roomList), render("partials/room-rows", { rooms: sidebar.rooms, currentRoomId })) +
    outOfBand("innerHTML", at(id.conversationList), render("partials/room-rows", { rooms: sidebar.conversations, currentRoomId })) +
    renderTotals(sidebar.unreadTotal)
  );
}
