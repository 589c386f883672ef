import { and, eq, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, messages, users } from "../db/schema.js";
import { authorize, type Actor, type RoomKind } from "./access.js";
import type { Deps } from "./deps.js";
import { parseInput } from "./validate.js";

/**
 * What the composer offers after "@": the room's members whose username or name starts with what
 * follows it, the people who spoke last first, and "@room" where the room may be mentioned whole.
 */

export const SUGGESTIONS_LIMIT = 8;
/** Longer than any username or name anyone types after "@"; the script stops asking past it. */
export const SUGGESTION_QUERY_MAX = 64;

export interface MemberSuggestion {
  id: number;
  username: string;
  displayName: string;
}

export interface MentionSuggestions {
  /** "@room" is offered first. */
  room: boolean;
  members: MemberSuggestion[];
}

export interface SuggestionOptions {
  /** ROOM_MENTION_MAX_MEMBERS: past this many members, "@room" is not offered. */
  roomMentionMaxMembers: number;
}

const input = z.object({
  q: z.string().max(SUGGESTION_QUERY_MAX, `Type at most ${SUGGESTION_QUERY_MAX} characters after @.`).default(""),
});

/**
 * Whether "@room" may be offered: not in a direct conversation (it would mean the one other person),
 * and not in a room so large that telling everyone is a broadcast. A stand-in until the mention
 * rules name their own (canMentionRoom), which this then calls.
 */
export function canMentionRoom(room: { kind: RoomKind; memberCount: number }, { roomMentionMaxMembers }: SuggestionOptions): boolean {
  return room.kind !== "direct" && room.memberCount <= roomMentionMaxMembers;
}

/** `text` as a LIKE pattern that matches itself literally at its start. */
const startsWith = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The members of a room (a member may ask; anyone else gets NotFoundError) other than the actor,
 * whose username or display name, or a word of it, starts with `query.q` (case-insensitive), ranked
 * by their newest message in the room (those who never wrote there last), then by name; at most 8.
 * One query: each candidate's newest message is one probe of messages_room_id_idx (room_id, id),
 * and the room's member count, which "@room" needs, rides along as the row that is always there.
 */
export async function suggestMembers(
  deps: Deps,
  actor: Actor,
  roomId: number,
  query: unknown,
  options: SuggestionOptions,
): Promise<MentionSuggestions> {
  const { q } = parseInput(input, query ?? {});
  const room = await authorize(deps, actor.id, roomId, "read");
  const pattern = startsWith(q);
  const name = sql`lower(${users.displayName})`;
  const lastPost = sql<number | null>`(select max(${messages.id}) from ${messages}
    where ${messages.roomId} = ${room.id} and ${messages.authorId} = ${users.id})`;
  const candidates = deps.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      lastPost: lastPost.as("last_post"),
      sortName: name.as("sort_name"),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.roomId, room.id),
        ne(users.id, actor.id),
        q === ""
          ? undefined
          : or(sql`lower(${users.username}) like ${pattern}`, sql`${name} like ${pattern}`, sql`${name} like ${`% ${pattern}`}`),
      ),
    )
    .orderBy(sql`last_post desc nulls last`, sql`sort_name`, users.id)
    .limit(SUGGESTIONS_LIMIT)
    .as("candidates");
  const size = deps.db
    .select({ memberCount: sql<number>`count(*)::int`.as("member_count") })
    .from(memberships)
    .where(eq(memberships.roomId, room.id))
    .as("size");
  const rows = await deps.db
    .select({
      memberCount: size.memberCount,
      id: candidates.id,
      username: candidates.username,
      displayName: candidates.displayName,
    })
    .from(size)
    .leftJoin(candidates, sql`true`)
    .orderBy(sql`${candidates.lastPost} desc nulls last`, candidates.sortName, candidates.id);
  const members = rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, username: r.username!, displayName: r.displayName! }]));
  const memberCount = Number(rows[0]?.memberCount ?? 0);
  return { room: "room".startsWith(q.toLowerCase()) && canMentionRoom({ kind: room.kind, memberCount }, options), members };
}
