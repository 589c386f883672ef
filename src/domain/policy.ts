/**
 * Who may do what with a room: one line per rule. Every domain read and write goes
 * through `authorize`, so a rule is changed here and nowhere else.
 */
export interface RoomAccess {
  room: { id: number; isPrivate: boolean; isDefault: boolean };
  isMember: boolean;
}

const rules = {
  read: (a: RoomAccess) => a.isMember,
  post: (a: RoomAccess) => a.isMember,
  leave: (a: RoomAccess) => a.isMember,
  join: (a: RoomAccess) => !a.isMember && !a.room.isPrivate,
  addMember: (a: RoomAccess) => a.isMember && a.room.isPrivate,
} satisfies Record<string, (a: RoomAccess) => boolean>;

export type RoomAction = keyof typeof rules;

export function may(action: RoomAction, access: RoomAccess | null): boolean {
  return access !== null && rules[action](access);
}
