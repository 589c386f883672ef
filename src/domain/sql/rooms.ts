import { sql } from "drizzle-orm";
import { memberships, rooms, users } from "../../db/schema.js";

/** Someone in a conversation: what its title and the direct partner's presence dot need. */
export interface Participant {
  id: number;
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

/** What every query that loads a room selects: a `Room` (see access.ts). */
export const roomColumns = {
  id: rooms.id,
  name: rooms.name,
  topic: rooms.topic,
  isPrivate: rooms.isPrivate,
  isDefault: rooms.isDefault,
  kind: rooms.kind,
  participants,
};
