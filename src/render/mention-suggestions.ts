import type { MentionSuggestions } from "../domain/mention-suggestions.js";
import { presentAvatar, type AvatarView } from "./avatar.js";
import { idOf } from "./dom.js";

/** One option of the "@" list: what it inserts (`username`), and how it is shown and read. */
export interface MentionOptionView {
  id: string;
  username: string;
  displayName: string;
  /** Null for "@room", which shows a sign of its own. */
  avatar: AvatarView | null;
}

export function presentSuggestions({ room, members }: MentionSuggestions): MentionOptionView[] {
  const everyone: MentionOptionView[] = room
    ? [{ id: idOf.mentionOption("room"), username: "room", displayName: "Everyone in this room", avatar: null }]
    : [];
  return [
    ...everyone,
    ...members.map((m) => ({
      id: idOf.mentionOption(m.id),
      username: m.username,
      displayName: m.displayName,
      avatar: presentAvatar(m.id, m.displayName),
    })),
  ];
}
