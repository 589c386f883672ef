import type { NotificationLevel } from "../domain/access.js";
import type { RoomView } from "./rooms.js";
import { notificationLevels } from "../domain/notification-levels.js";

const words: Record<NotificationLevel, string> = {
  everything: "Every message",
  mentions: "Mentions of me",
  nothing: "Nothing",
  hidden: "Nothing, and hide it until I am mentioned",
};

/** What the form is labelled in a room's own header. */
export const ROOM_LABEL = "Notify me of";

/** Where the form goes back to without script: the room, or Settings. */
export type LevelReturn = "room" | "settings";

export interface LevelFormView {
  roomId: number;
  label: string;
  level: NotificationLevel;
  options: { value: NotificationLevel; text: string }[];
  returnTo: LevelReturn;
  saved: boolean;
}

/** The notification level form for one room; `label` names it (the room's name in Settings). */
export function presentLevelForm(
  roomId: number,
  level: NotificationLevel,
  label: string,
  returnTo: LevelReturn,
  saved = false,
): LevelFormView {
  return { roomId, label, level, options: notificationLevels.map((value) => ({ value, text: words[value] })), returnTo, saved };
}

/** A room as Settings names it beside its level: "#general", or a conversation's people. */
export const settingsLabel = (room: RoomView) => (room.isConversation ? room.label : `#${room.name}`);
