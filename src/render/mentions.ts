import type { Actor } from "../domain/access.js";
import type { MentionsPage } from "../domain/mentions-page.js";
import type { Presence } from "../domain/presence.js";
import { render } from "./engine.js";
import { presentMessage, type MessageView } from "./message.js";
import { presentRoom, type RoomView } from "./rooms.js";

export interface MentionView {
  room: RoomView;
  message: MessageView;
  unread: boolean;
}

export interface MentionsView {
  mentions: MentionView[];
  /** Where "Older mentions" leads (the last message of this page), or null at the oldest. */
  olderThan: number | null;
}

/** A page of someone's mentions as they see them: each with its room titled for them. */
export function presentMentions(page: MentionsPage, viewer: Actor, presence: Presence): MentionsView {
  return {
    mentions: page.mentions.map(({ room, unread, ...message }) => ({
      room: presentRoom(room, viewer.id, presence),
      // Every message here mentions the viewer: "Mentions you" would only repeat the page's title.
      message: { ...presentMessage(message, viewer), mentionsYou: false },
      unread,
    })),
    olderThan: page.more ? page.mentions.at(-1)!.id : null,
  };
}

/** An older page for htmx: its items for the end of the list, and the link that replaces the one that asked. */
export function renderOlderMentions(view: MentionsView): string {
  return render("partials/mention-items", view) + render("partials/mentions-older", { ...view, oob: true });
}
