import { findUser } from "../domain/accounts.js";
import type { Actor, Granted } from "../domain/access.js";
import { findPeople } from "../domain/conversations.js";
import type { Deps } from "../domain/deps.js";
import { changedSince, missedSince } from "../domain/history.js";
import { renderChangedMessage } from "../render/message.js";
import { receipts } from "../domain/reading.js";
import { membersOf, roomsOf } from "../domain/rooms.js";
import { renderPresencePush } from "../render/presence.js";
import { renderReceiptMove } from "../render/receipts.js";
import { presentTimeline, renderTimelineReset } from "../render/room-timeline.js";
import { presentRoom } from "../render/rooms.js";
import { renderSidebarPush, presentSidebar } from "../render/sidebar.js";
import { renderLivePush } from "../render/timeline.js";
import { renderTypingPush, typingText } from "../render/typing.js";
import type { PageState } from "./transport.js";

/**
 * Missed messages are sent one by one up to this many; past it the page starts again from the
 * newest page (a phone back from a night away does not receive a day of messages at once).
 */
export const REPLAY_LIMIT = 200;

/** What a page told its socket about itself at connect time. */
export interface PagePosition {
  userId: number;
  /** A room page's room, as authorized when its socket connected. */
  room: Granted<"read"> | null;
  /** The newest message a room page shows, when it shows the newest end; null: none to catch up on. */
  after: number | null;
  /** The room's newest change a room page shows; null: none to catch up on. */
  changes: number | null;
  watchesPeople: boolean;
}

/**
 * Everything a page shows that may have changed between its render and its socket opening (or
 * while its socket was away), as one push: the sidebar and unread total; on a room page the
 * messages after the newest one shown, where each reader's receipt sits, who is typing and who is
 * online; on the People page, everyone's presence. The socket is registered before this is read,
 * so whatever changes later arrives as an ordinary push after it.
 */
export async function renderPageState(deps: Deps, page: PagePosition): Promise<PageState> {
  const user = await findUser(deps, page.userId);
  if (!user) return { html: "", newest: null };
  const [mine, room, people] = await Promise.all([
    roomsOf(deps, user.id, user.sidebarOrder),
    page.room === null ? { html: "", newest: null, changes: null } : renderRoomState(deps, user, page.room, page.after, page.changes),
    page.watchesPeople ? renderPeopleState(deps, user.id) : "",
  ]);
  const sidebar = renderSidebarPush(presentSidebar(mine, user, deps.presence), page.room?.id ?? null);
  return { html: room.html + people + sidebar, newest: room.newest, changes: room.changes ?? null };
}

async function renderRoomState(
  deps: Deps,
  viewer: Actor,
  granted: Granted<"read">,
  after: number | null,
  changesSeen: number | null,
): Promise<PageState> {
  const roomId = granted.id;
  const viewerId = viewer.id;
  const [members, seen, missed, changed] = await Promise.all([
    membersOf(deps, granted),
    receipts(deps, roomId),
    after === null ? undefined : missedSince(deps, granted, after, REPLAY_LIMIT),
    changesSeen === null ? undefined : changedSince(deps, granted, changesSeen, REPLAY_LIMIT),
  ]);
  let messages = "";
  let newest: number | null = null;
  let changes = changesSeen;
  if (missed === null || changed === null) {
    const room = presentRoom(granted, viewerId, deps.presence);
    const timeline = await presentTimeline(deps, granted, room, viewer, { latest: true });
    messages = renderTimelineReset(timeline);
    newest = timeline.newestId;
    changes = timeline.changes;
  } else {
    if (missed?.messages.length) {
      messages = renderLivePush(missed.messages, missed.previous, viewer);
      newest = missed.messages.at(-1)!.id;
    }
    // Messages it shows that changed while it was away, each swapped whole in place.
    if (changed) {
      messages += changed.messages.map((m) => renderChangedMessage(m, viewer)).join("");
      changes = changed.last;
    }
  }
  const names = new Map(members.map((m) => [m.id, m.displayName]));
  const html =
    messages +
    seen.flatMap((r) => (r.userId === viewerId ? [] : [renderReceiptMove(r)])).join("") +
    renderTypingPush(typingText(viewerId, deps.typing.typists(roomId), names)) +
    members.map((m) => renderPresencePush(deps.presence.state(m.id, m.lastSeenAt))).join("");
  return { html, newest, changes };
}

async function renderPeopleState(deps: Deps, viewerId: number): Promise<string> {
  const people = await findPeople(deps, viewerId, {});
  return people.map((p) => renderPresencePush(deps.presence.state(p.id, p.lastSeenAt))).join("");
}
