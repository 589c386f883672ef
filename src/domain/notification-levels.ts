import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { memberships, rooms } from "../db/schema.js";
import { authorize, type NotificationLevel, type Room, type RoomKind } from "./access.js";
import type { Deps } from "./deps.js";
import { roomColumns } from "./sql/rooms.js";
import { parseInput } from "./validate.js";

export const notificationLevels = ["everything", "mentions", "nothing", "hidden"] as const satisfies readonly NotificationLevel[];

/**
 * What a member is told of when they have not chosen: in a room, what mentions them; in a direct
 * or group conversation, everything (every message there is addressed to them).
 */
export const defaultLevel = (kind: RoomKind): NotificationLevel => (kind === "room" ? "mentions" : "everything");

export const levelOf = (kind: RoomKind, chosen: NotificationLevel | null): NotificationLevel => chosen ?? defaultLevel(kind);

/** `levelOf` in SQL, over a membership's chosen level and its room's kind. */
export const levelSql = (chosen: SQL, kind: SQL) =>
  sql`coalesce(${chosen}, case ${kind} when 'room' then ${defaultLevel("room")} else ${defaultLevel("direct")} end)`;

const level = z.enum(notificationLevels, { error: "Choose what to be notified of." });
const levelInput = z.object({ level });

/** A member chooses what they are told of in one room (from its header). */
export async function setNotificationLevel(deps: Deps, userId: number, roomId: number, input: unknown): Promise<RoomLevel> {
  const room = await authorize(deps, userId, roomId, "read");
  const chosen = parseInput(levelInput, input).level;
  await deps.db
    .update(memberships)
    .set({ notificationLevel: chosen === defaultLevel(room.kind) ? null : chosen })
    .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)));
  return { room, level: chosen };
}

export interface RoomLevel {
  room: Room;
  level: NotificationLevel;
}

/** Every room and conversation of a person with what they are told of there, hidden ones too (Settings). */
export async function levelsOf(deps: Deps, userId: number): Promise<RoomLevel[]> {
  const rows = await deps.db
    .select({ ...roomColumns, chosen: memberships.notificationLevel })
    .from(memberships)
    .innerJoin(rooms, eq(rooms.id, memberships.roomId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`${rooms.kind} = 'room' desc`, asc(sql`lower(${rooms.name})`), asc(rooms.id));
  return rows.map(({ chosen, ...room }) => ({ room, level: levelOf(room.kind, chosen) }));
}
