/**
 * Who may do what with a room: one line per rule. Every domain read and write goes
 * through `authorize`, so a rule is changed here and nowhere else.
 */
export interface RoomAccess {
  room: { id: number; isPrivate: boolean; isDefault: boolean; kind: "room" | "direct" | "group" };
  isMember: boolean;
}

const rules = {
  read: (a: RoomAccess) => a.isMember,
  post: (a: RoomAccess) => a.isMember,
  // A conversation is its set of people: nobody leaves or joins it, so opening the set finds it again.
  leave: (a: RoomAccess) => a.isMember && a.room.kind === "room",
  join: (a: RoomAccess) => !a.isMember && !a.room.isPrivate && a.room.kind === "room",
  addMember: (a: RoomAccess) => a.isMember && a.room.isPrivate && a.room.kind === "room",
} satisfies Record<string, (a: RoomAccess) => boolean>;

export type RoomAction = keyof typeof rules;

export function may(action: RoomAction, access: RoomAccess | null): boolean {
  return access !== null && rules[action](access);
}
