import { roomAbilities, type RoomAbilities, type Room } from "../domain/access.js";
import type { Presence } from "../domain/presence.js";
import type { PublicRoom } from "../domain/rooms.js";
import { presentPresence, type PresenceView } from "./presence.js";

const list = new Intl.ListFormat("en", { style: "long", type: "conjunction" });

/** "Bob", "Bob and Carol", "Bob, Carol, and Dave". */
export function joinNames(names: string[]): string {
  return list.format(names);
}

/** What a room is called for one viewer: its name, or for a conversation the other people in it. */
export function roomLabel(room: Room, viewerId: number): string {
  if (room.kind === "room") return room.name;
  const others = room.participants.filter((p) => p.id !== viewerId).map((p) => p.displayName);
  return joinNames(others.length > 4 ? [...others.slice(0, 3), `${others.length - 3} others`] : others);
}

export type RoomView<R extends Room = Room> = R & {
  label: string;
  /**
   * Direct or group: titled by its people rather than a name (no "#"), listed under Conversations,
   * and private by nature, so it never says so.
   */
  isConversation: boolean;
  /** A private room says so beside its name. */
  labelledPrivate: boolean;
  /** In a direct conversation, the other person's presence, for the dot beside their name. */
  partner?: PresenceView;
};

export function presentRoom<R extends Room>(room: R, viewerId: number, presence: Presence): RoomView<R> {
  const partner = room.kind === "direct" ? room.participants.find((p) => p.id !== viewerId) : undefined;
  const isConversation = room.kind !== "room";
  return {
    ...room,
    label: roomLabel(room, viewerId),
    isConversation,
    labelledPrivate: room.isPrivate && !isConversation,
    ...(partner && { partner: presentPresence(presence.state(partner.id, partner.lastSeenAt)) }),
  };
}

/** A room of the "browse rooms" page, with what the viewer may do there (open it, or join). */
export type PublicRoomView = PublicRoom & { can: RoomAbilities };

export function presentPublicRoom(room: PublicRoom): PublicRoomView {
  return { ...room, can: roomAbilities({ room, isMember: room.isMember }) };
}
