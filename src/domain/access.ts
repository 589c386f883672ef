import { and, eq, sql } from "drizzle-orm";
import { prepared } from "../db/prepared.js";
import { memberships, rooms } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { NotFoundError } from "./errors.js";
import { roomColumns, type Participant } from "./sql/rooms.js";

/**
 * Who may do what, with rooms and with messages: one line per rule. Every domain read and write
 * goes through `authorize` (or `authorizeMessage`), and presenters show what the viewer may do
 * from the same rules (`roomAbilities`, `messageAbilities`), so a rule is changed here and nowhere else.
 */

/** A room is a named room; a conversation is "direct" (two people) or a "group". */
export type RoomKind = "room" | "direct" | "group";

/** A room as every query loads it (`roomColumns`). */
export interface Room {
  id: number;
  /** A room's own name; empty for conversations, which are titled by their participants. */
  name: string;
  topic: string;
  isPrivate: boolean;
  isDefault: boolean;
  kind: RoomKind;
  /** A conversation's members (everyone, the viewer too), by name; empty for rooms. */
  participants: Participant[];
}

export interface RoomAccess {
  room: Pick<Room, "id" | "isPrivate" | "isDefault" | "kind">;
  isMember: boolean;
}

/** Someone's relation to a message of a room they may read. */
export interface MessageAccess {
  isAuthor: boolean;
  isAdmin: boolean;
  /** A deleted message is a tombstone: nothing more can be done with it. */
  isDeleted: boolean;
}

const roomRules = {
  read: (a: RoomAccess) => a.isMember,
  post: (a: RoomAccess) => a.isMember,
  // A conversation is its set of people: nobody leaves or joins it, so opening the set finds it again.
  leave: (a: RoomAccess) => a.isMember && a.room.kind === "room",
  join: (a: RoomAccess) => !a.isMember && !a.room.isPrivate && a.room.kind === "room",
  addMember: (a: RoomAccess) => a.isMember && a.room.isPrivate && a.room.kind === "room",
} satisfies Record<string, (a: RoomAccess) => boolean>;

// Within a room the person may read.
const messageRules = {
  // What an image shows is said by whoever sent it.
  describe: (a: MessageAccess) => a.isAuthor && !a.isDeleted,
  edit: (a: MessageAccess) => a.isAuthor && !a.isDeleted,
  // Everyone who reads the message may read its earlier versions; a deletion takes them too.
  readRevisions: (a: MessageAccess) => !a.isDeleted,
  delete: (a: MessageAccess) => (a.isAuthor || a.isAdmin) && !a.isDeleted,
  // Any member: reading the room is the room rule these sit under (authorizeMessage).
  react: (a: MessageAccess) => !a.isDeleted,
  reply: (a: MessageAccess) => !a.isDeleted,
} satisfies Record<string, (a: MessageAccess) => boolean>;

/**
 * Whether `@room` (which tells every member) is the actor's to say in a room of this many: any
 * member up to `max`, past it an administrator. Null if so; otherwise why not, for the composer.
 */
export function mayMentionRoom(actor: Actor, members: number, max: number): string | null {
  if (actor.isAdmin || members <= max) return null;
  return `@room tells everyone, and only an administrator may use it in a room of more than ${max} people. Mention people by name instead.`;
}

export type RoomAction = keyof typeof roomRules;
export type MessageAction = keyof typeof messageRules;

export function may(action: RoomAction, access: RoomAccess | null): boolean {
  return access !== null && roomRules[action](access);
}

export function mayOnMessage(action: MessageAction, access: MessageAccess): boolean {
  return messageRules[action](access);
}

export type RoomAbilities = Record<RoomAction, boolean>;
export type MessageAbilities = Record<MessageAction, boolean>;

const everyRule = <A extends string, T>(rules: Record<A, (a: T) => boolean>, access: T) =>
  Object.fromEntries(Object.entries<(a: T) => boolean>(rules).map(([action, rule]) => [action, rule(access)])) as Record<A, boolean>;

/** Everything the viewer may do with a room, for presenters (`can.leave`, `can.addMember`, …). */
export function roomAbilities(access: RoomAccess): RoomAbilities {
  return everyRule(roomRules, access);
}

/** Everything the viewer may do with a message, for presenters (`can.edit`, `can.delete`, …). */
export function messageAbilities(access: MessageAccess): MessageAbilities {
  return everyRule(messageRules, access);
}

declare const granted: unique symbol;
/**
 * A room together with proof that `authorize` allowed an action on it, and whether the person is
 * a member (what the other rules need, for `roomAbilities`). Functions that take a `Granted<"read">`
 * cannot be called without that check, and need not repeat its query.
 */
export type Granted<A extends RoomAction> = Room & {
  readonly isMember: boolean;
  /** What the person chose to be told of here (null: the default for the room's kind, or not a member). */
  readonly notificationLevel: NotificationLevel | null;
  readonly [granted]: A;
};

/** What a member is told of in a room (see memberships.notification_level). */
export type NotificationLevel = "everything" | "mentions" | "nothing" | "hidden";

const roomWithMembership = prepared((db) =>
  db
    .select({ ...roomColumns, memberId: memberships.userId, notificationLevel: memberships.notificationLevel })
    .from(rooms)
    .leftJoin(memberships, and(eq(memberships.roomId, rooms.id), eq(memberships.userId, sql.placeholder("userId"))))
    .where(eq(rooms.id, sql.placeholder("roomId")))
    .prepare("room_with_membership"),
);

/** Loads a room with the user's relation to it, and checks the action; anything refused is "not found". */
export async function authorize<A extends RoomAction>({ db }: Deps, userId: number, roomId: number, action: A): Promise<Granted<A>> {
  const [row] = await roomWithMembership(db).execute({ userId, roomId });
  const access: RoomAccess | null = row ? { room: row, isMember: row.memberId !== null } : null;
  if (!row || !may(action, access)) throw new NotFoundError("Room not found");
  const { memberId, ...room } = row;
  return { ...room, isMember: memberId !== null } as Granted<A>;
}

/** Who is acting: what the message rules need to know of them. */
export interface Actor {
  id: number;
  isAdmin: boolean;
}

/** What the rules need of a message. */
export interface MessageRef {
  roomId: number;
  authorId: number;
  deletedAt: Date | null;
}

export function messageAccess(actor: Actor, message: MessageRef): MessageAccess {
  return { isAuthor: message.authorId === actor.id, isAdmin: actor.isAdmin, isDeleted: message.deletedAt !== null };
}

/**
 * Checks an action on a message and that the person may read its room (replying needs posting
 * there too); anything refused is "not found". Returns the room.
 */
export async function authorizeMessage(deps: Deps, actor: Actor, message: MessageRef, action: MessageAction): Promise<Granted<"read">> {
  if (!mayOnMessage(action, messageAccess(actor, message))) throw new NotFoundError("Message not found");
  const room = await authorize(deps, actor.id, message.roomId, "read");
  if (action === "reply" && !may("post", { room, isMember: room.isMember })) throw new NotFoundError("Room not found");
  return room;
}
