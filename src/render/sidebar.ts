import type { User } from "../domain/accounts.js";
import type { Presence } from "../domain/presence.js";
import type { SidebarRoom } from "../domain/rooms.js";
import { render } from "./engine.js";
import { outOfBand } from "./message.js";
import { presentRoom, type RoomView } from "./rooms.js";
import { at, id } from "./dom.js";

export interface SidebarView {
  rooms: RoomView<SidebarRoom>[];
  conversations: RoomView<SidebarRoom>[];
  unreadTotal: number;
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
    unreadTotal: mine.reduce((sum, room) => sum + room.unread, 0),
  };
}

/** Both sidebar lists and the unread total, replaced whole: for a page coming back after being away. */
export function renderSidebarPush(sidebar: SidebarView, currentRoomId: number | null): string {
  return (
    outOfBand("innerHTML", at(id.roomList), render("partials/room-rows", { rooms: sidebar.rooms, currentRoomId })) +
    outOfBand("innerHTML", at(id.conversationList), render("partials/room-rows", { rooms: sidebar.conversations, currentRoomId })) +
    render("partials/unread-total", { total: sidebar.unreadTotal, oob: true })
  );
}
