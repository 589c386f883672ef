import { and, asc, count, eq, sql, type Placeholder } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { memberships, messages, rooms, users } from "../db/schema.js";
import type { SidebarOrder } from "./accounts.js";
import { authorize, type Granted, type Room } from "./access.js";
import type { Deps } from "./deps.js";
import { InvalidInputError } from "./errors.js";
import { roomColumns } from "./sql/rooms.js";
import { latestMessageOf, listed, mentionCount, mentionsOfMembership, unreadCount, unreadOfMembership } from "./sql/unread.js";
import { parseInput } from "./validate.js";

export interface Member {
  id: number;
  username: string;
  displayName: string;
  lastSeenAt: Date | null;
}

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
  /** Unread mentions of the person there. */
  mentions: number;
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
    .select({ ...roomColumns, unread: unreadCount, mentions: mentionCount })
    .from(memberships)
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .innerJoin(unreadOfMembership, sql`true`)
    .innerJoin(mentionsOfMembership, sql`true`)
    .where(and(eq(memberships.userId, userId), listed))
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
  await deps.db
    .insert(memberships)
    .values({ roomId, userId, lastReadMessageId: latestMessageOf(roomId) })
    .onConflictDoNothing();
  return room;
}

export async function leaveRoom(deps: Deps, userId: number, roomId: number): Promise<void> {
  await authorize(deps, userId, roomId, "leave");
  await deps.events.writeAndTell(
    deps.db,
    (db) => db.delete(memberships).where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId))),
    () => [{ kind: "membership.ended", roomId, userId }],
  );
  deps.typing.stopped(roomId, userId);
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
const roomById = prepared((db) =>
  db
    .select(roomColumns)
    .from(rooms)
    .where(eq(rooms.id, sql.placeholder("roomId")))
    .prepare("room_by_id"),
);

export async function roomForDelivery({ db }: Deps, roomId: number): Promise<Room | null> {
  const [room] = await roomById(db).execute({ roomId });
  return room ?? null;
}

const memberIdsOf = prepared((db) =>
  db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(eq(memberships.roomId, sql.placeholder("roomId")))
    .prepare("member_ids_of"),
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
