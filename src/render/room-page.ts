import { randomUUID } from "node:crypto";
import { may, roomAbilities, type Actor, type Granted, type Room, type RoomAbilities } from "../domain/access.js";
import type { Absentee } from "../domain/mentions.js";
import type { Deps } from "../domain/deps.js";
import type { PageRequest } from "../domain/history.js";
import { membersOf, type Member } from "../domain/rooms.js";
import type { Quoted } from "../domain/sql/messages.js";
import { presentPresence, type PresenceView } from "./presence.js";
import { presentQuote, type QuoteView } from "./quote.js";
import { presentTimeline, type RoomTimeline } from "./room-timeline.js";
import { presentRoom, type RoomView } from "./rooms.js";
import { typingText } from "./typing.js";
import { levelOf } from "../domain/notification-levels.js";
import { presentLevelForm, ROOM_LABEL, type LevelFormView } from "./notification-levels.js";

/** What the composer tells the browser, so that it can refuse a file before sending it. */
export interface UploadLimits {
  imageMb: number;
  videoMb: number;
  files: number;
}

/** A message that was refused: the composer comes back with its text, its error and its client id. */
export interface Draft {
  body?: unknown;
  error: string;
  /** The refused message's id: sent again, it is still the same message. */
  clientId: string;
}

export interface ComposerView {
  room: RoomView;
  /** Who the message goes to, after "Message": "#general", or the people of a conversation. */
  addressee: string;
  /** Names the message this composer sends (see postMessage); a new composer gets a new one. */
  clientId: string;
  body?: unknown;
  error?: string;
  uploadLimits: UploadLimits;
  /** The message it answers (a Reply chosen, or a refused reply's draft), if any. */
  reply: QuoteView | null;
  /** After a send: the people it named who are not in the room. */
  notice: ComposerNotice | null;
}

/** Who a message named that is not in its room (so not notified), and whether the sender may add them here. */
export interface ComposerNotice {
  roomId: number;
  absent: Absentee[];
  mayAdd: boolean;
}

export function presentComposerNotice(room: RoomView<Room & { isMember: boolean }>, absent: Absentee[]): ComposerNotice | null {
  if (absent.length === 0) return null;
  return { roomId: room.id, absent, mayAdd: may("addMember", { room, isMember: room.isMember }) };
}

/** `reply`: the message the composer answers, found by `quotable` (domain/replies.ts). */
export function presentComposer(
  room: RoomView,
  uploadLimits: UploadLimits,
  draft?: Draft,
  reply: Quoted | null = null,
  notice: ComposerNotice | null = null,
): ComposerView {
  return {
    notice,
    reply: reply && presentQuote(room.id, reply),
    room,
    addressee: room.isConversation ? room.label : `#${room.name}`,
    clientId: draft?.clientId ?? randomUUID(),
    body: draft?.body,
    error: draft?.error,
    uploadLimits,
  };
}

/** The add-member form given back with the username that was refused, and why. */
export interface MemberForm {
  username?: unknown;
  error?: string;
}

export type MemberView = Member & { presence: PresenceView };

export interface RoomPageView extends RoomTimeline {
  title: string;
  currentRoomId: number;
  room: RoomView<Granted<"read">>;
  /** What the viewer may do here (leave, add someone, post…), from the rules in domain/access.ts. */
  can: RoomAbilities;
  /** The message list's accessible name. */
  logLabel: string;
  membersHeading: string;
  members: MemberView[];
  typing: string;
  composer: ComposerView;
  memberForm: MemberForm;
  /** What the viewer is told of here (members only). */
  levelForm: LevelFormView | null;
}

/**
 * A room page as one viewer sees it: the newest messages, a page of history (`before`, `after`), or
 * the stretch around one message (a permalink, `around`), with its members, who is typing, and the
 * composer and the add-member form (either may carry refused input back with its error).
 */
export async function presentRoomPage(
  deps: Deps,
  granted: Granted<"read">,
  viewer: Actor,
  request: PageRequest,
  forms: { uploadLimits: UploadLimits; draft?: Draft; memberForm?: MemberForm; reply?: Quoted | null; absent?: Absentee[] },
): Promise<RoomPageView> {
  const viewerId = viewer.id;
  const room = presentRoom(granted, viewerId, deps.presence);
  const [timeline, members] = await Promise.all([presentTimeline(deps, granted, room, viewer, request), membersOf(deps, granted)]);
  return {
    ...timeline,
    title: room.label,
    currentRoomId: room.id,
    room,
    can: roomAbilities({ room, isMember: granted.isMember }),
    logLabel: `Messages in ${room.isConversation ? `conversation with ${room.label}` : room.name}`,
    membersHeading: room.isConversation ? "People here" : "Members",
    members: members.map((m) => ({ ...m, presence: presentPresence(deps.presence.state(m.id, m.lastSeenAt)) })),
    typing: typingText(viewerId, deps.typing.typists(room.id), new Map(members.map((m) => [m.id, m.displayName]))),
    composer: presentComposer(room, forms.uploadLimits, forms.draft, forms.reply, presentComposerNotice(room, forms.absent ?? [])),
    memberForm: forms.memberForm ?? {},
    levelForm: granted.isMember ? presentLevelForm(room.id, levelOf(room.kind, granted.notificationLevel), ROOM_LABEL, "room") : null,
  };
}
