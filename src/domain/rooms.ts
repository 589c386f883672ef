import { and, asc, count, eq, sql, type Placeholder } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { memberships, messages, rooms, users } from "../db/schema.js";
import type { SidebarOrder } from "./accounts.js";
import type { Deps } from "./deps.js";
import { InvalidInputError, NotFoundError } from "./errors.js";
import { may, type RoomAccess, type RoomAction } from "./policy.js";
import { latestMessageOf, unreadCount, unreadOfMembership } from "./reading.js";
import { parseInput } from "./validate.js";

export type RoomKind = "room" | "direct" | "group";

/** Someone in a conversation: what its title and the direct partner's presence dot need. */
export interface Participant {
  id: number;
  displayName: string;
  lastSeenAt: Date | null;
}

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

declare const granted: unique symbol;
/**
 * A room together with proof that `authorize` allowed an action on it. Functions that take a
 * `Granted<"read">` cannot be called without that check, and need not repeat its query.
 */
export type Granted<A extends RoomAction> = Room & { readonly [granted]: A };

export interface Member {
  id: number;
  username: string;
  displayName: string;
  lastSeenAt: Date | null;
}

type ParticipantRow = { id: number; displayName: string; lastSeenAt: string | null };

// Only conversations pay for this subquery (a few rows through the membership primary key). The
// room's id is qualified by hand: drizzle leaves columns bare in single-table queries, and a bare
// "id" here would mean the user's.
const participants = sql<ParticipantRow[] | null>`case when ${rooms.kind} <> 'room' then (
  select json_agg(json_build_object('id', u.id, 'displayName', u.display_name, 'lastSeenAt', u.last_seen_at)
    order by lower(u.display_name), u.id)
  from ${memberships} m join ${users} u on u.id = m.user_id where m.room_id = ${rooms}.id) end`.mapWith(
  (value: ParticipantRow[] | string | null): Participant[] => {
    const rows = typeof value === "string" ? (JSON.parse(value) as ParticipantRow[]) : (value ?? []);
    return rows.map((p) => ({ ...p, lastSeenAt: p.lastSeenAt === null ? null : new Date(p.lastSeenAt) }));
  },
);

export const roomColumns = {
  id: rooms.id,
  name: rooms.name,
  topic: rooms.topic,
  isPrivate: rooms.isPrivate,
  isDefault: rooms.isDefault,
  kind: rooms.kind,
  participants,
};

const memberColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  lastSeenAt: users.lastSeenAt,
};

const checkbox = z.union([z.literal("on"), z.literal("true"), z.literal("1")]).optional();

const createRoomInput = z.object({
  name: z
    .string({ error: "Give the room a name." })
    .trim()
    .min(1, "Give the room a name.")
    .max(80, "Room name must be at most 80 characters."),
  topic: z.string().trim().max(300, "Topic must be at most 300 characters.").default(""),
  private: checkbox,
});

const addMemberInput = z.object({
  username: z.string({ error: "Enter a username." }).trim().min(1, "Enter a username."),
});

const roomWithMembership = prepared((db) =>
  db
    .select({ ...roomColumns, memberId: memberships.userId })
    .from(rooms)
    .leftJoin(memberships, and(eq(memberships.roomId, rooms.id), eq(memberships.userId, sql.placeholder("userId"))))
    .where(eq(rooms.id, sql.placeholder("roomId")))
    .prepare("room_with_membership"),
);

/** Loads a room with the user's relation to it, and checks the action; anything refused is "not found". */
export async function authorize<A extends RoomAction>(
  { db }: Deps,
  userId: number,
  roomId: number,
  action: A,
): Promise<Granted<A>> {
  const [row] = await roomWithMembership(db).execute({ userId, roomId });
  const access: RoomAccess | null = row ? { room: row, isMember: row.memberId !== null } : null;
  if (!row || !may(action, access)) throw new NotFoundError("Room not found");
  const { memberId: _, ...room } = row;
  return room as Granted<A>;
}

export async function createRoom({ db }: Deps, userId: number, input: unknown): Promise<Room> {
  const data = parseInput(createRoomInput, input);
  return db.transaction(async (tx) => {
    const [room] = await tx
      .insert(rooms)
      .values({ name: data.name, topic: data.topic, isPrivate: data.private !== undefined, createdBy: userId })
      .returning(roomColumns);
    await tx.insert(memberships).values({ roomId: room!.id, userId });
    return room!;
  });
}

export interface SidebarRoom extends Room {
  unread: number;
}

/**
 * The rooms a user belongs to with their unread counts, for the sidebar: one query. By activity,
 * rooms with unread messages come first, each group newest activity first; or by name.
 */
export async function roomsOf({ db }: Deps, userId: number, order: SidebarOrder): Promise<SidebarRoom[]> {
  return sidebarIn[order](db).execute({ userId });
}

// Every page and every re-sorted section runs one of these.
const sidebarIn: Record<SidebarOrder, (db: Db) => { execute(values: { userId: number }): Promise<SidebarRoom[]> }> = {
  activity: prepared((db) => sidebarQuery(db, "activity", sql.placeholder("userId")).prepare("sidebar_by_activity")),
  alphabetical: prepared((db) => sidebarQuery(db, "alphabetical", sql.placeholder("userId")).prepare("sidebar_by_name")),
};

/** The sidebar's query; exported for the test of its plan. */
export function sidebarQuery(db: Db, order: SidebarOrder, userId: number | Placeholder) {
  const byName = [asc(sql`lower(${rooms.name})`), asc(rooms.id)];
  const lastActivity = sql`(select max(${messages.id}) from ${messages} where ${messages.roomId} = ${rooms.id})`;
  return db
    .select({ ...roomColumns, unread: unreadCount })
    .from(memberships)
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .innerJoin(unreadOfMembership, sql`true`)
    .where(eq(memberships.userId, userId))
    .orderBy(...(order === "alphabetical" ? byName : [sql`${unreadCount} > 0 desc`, sql`${lastActivity} desc nulls last`, ...byName]));
}

export interface PublicRoom extends Room {
  memberCount: number;
  isMember: boolean;
}

/** Every public room, with whether the user is in it: the "browse rooms" page. */
export async function publicRooms({ db }: Deps, userId: number): Promise<PublicRoom[]> {
  const rows = await db
    .select({
      ...roomColumns,
      memberCount: count(memberships.userId),
      isMember: sql<boolean>`bool_or(${memberships.userId} = ${userId})`,
    })
    .from(rooms)
    .leftJoin(memberships, eq(memberships.roomId, rooms.id))
    .where(eq(rooms.isPrivate, false))
    .groupBy(rooms.id)
    .orderBy(asc(sql`lower(${rooms.name})`), asc(rooms.id));
  return rows.map((r) => ({ ...r, isMember: r.isMember === true }));
}

export async function joinRoom(deps: Deps, userId: number, roomId: number): Promise<Room> {
  const room = await authorize(deps, userId, roomId, "join");
  // A newcomer starts with the room's history read: they owe it nothing.
  await deps.db.insert(memberships).values({ roomId, userId, lastReadMessageId: latestMessageOf(roomId) }).onConflictDoNothing();
  return room;
}

export async function leaveRoom(deps: Deps, userId: number, roomId: number): Promise<void> {
  await authorize(deps, userId, roomId, "leave");
  await deps.db.delete(memberships).where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)));
  deps.typing.stopped(roomId, userId);
  deps.events.publish({ kind: "membership.ended", roomId, userId });
}

/** Adds someone to a private room; only its members may. */
export async function addMember(deps: Deps, userId: number, roomId: number, input: unknown): Promise<Member> {
  await authorize(deps, userId, roomId, "addMember");
  const data = parseInput(addMemberInput, input);
  const [user] = await deps.db
    .select(memberColumns)
    .from(users)
    .where(sql`lower(${users.username}) = lower(${data.username})`);
  if (!user) throw new InvalidInputError({ username: `No one is called “${data.username}”.` });
  await deps.db
    .insert(memberships)
    .values({ roomId, userId: user.id, lastReadMessageId: latestMessageOf(roomId) })
    .onConflictDoNothing();
  return user;
}

const membersByName = prepared((db) =>
  db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.roomId, sql.placeholder("roomId")))
    .orderBy(asc(sql`lower(${users.displayName})`), asc(users.id))
    .prepare("members_by_name"),
);

export async function membersOf({ db }: Deps, room: Granted<"read">): Promise<Member[]> {
  return membersByName(db).execute({ roomId: room.id });
}

/** A room by id, for rendering pushes; the caller decides who may see them. */
const roomById = prepared((db) => db.select(roomColumns).from(rooms).where(eq(rooms.id, sql.placeholder("roomId"))).prepare("room_by_id"));

export async function roomForDelivery({ db }: Deps, roomId: number): Promise<Room | null> {
  const [room] = await roomById(db).execute({ roomId });
  return room ?? null;
}

const memberIdsOf = prepared((db) =>
  db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.roomId, sql.placeholder("roomId"))).prepare("member_ids_of"),
);

/** Ids of a room's members, for fanning out events without asking per socket. */
export async function memberIds({ db }: Deps, roomId: number): Promise<Set<number>> {
  const rows = await memberIdsOf(db).execute({ roomId });
  return new Set(rows.map((r) => r.userId));
}

/** Where to send someone who opens the app: their default room, else any room of theirs. */
export async function homeRoomOf({ db }: Deps, userId: number): Promise<number | null> {
  const [row] = await db
    .select({ id: rooms.id })
    .from(memberships)
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`${rooms.isDefault} desc`, asc(rooms.id))
    .limit(1);
  return row?.id ?? null;
}
