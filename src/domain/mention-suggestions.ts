import { and, desc, eq, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, messages, users } from "../db/schema.js";
import { authorize, mayMentionRoom, type Actor } from "./access.js";
import type { Deps } from "./deps.js";
import { parseInput } from "./validate.js";

/**
 * What the composer offers after "@": the room's members whose username or name starts with what
 * follows it, the people who spoke last first, and "@room" where the room may be mentioned whole.
 */

export const SUGGESTIONS_LIMIT = 8;
/** Longer than any username or name anyone types after "@"; the script stops asking past it. */
export const SUGGESTION_QUERY_MAX = 64;
/**
 * How far back the ranking looks: the authors of the room's newest this many messages, one range of
 * the room's newest messages (2 ms for 2,000 members over 300,000 messages on PostgreSQL). Looking
 * up each member's newest message instead scanned the room's whole history for every member who
 * never wrote there: 60 s for the same room.
 */
export const RANKING_WINDOW = 1000;

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

const input = z.object({
  q: z.string().max(SUGGESTION_QUERY_MAX, `Type at most ${SUGGESTION_QUERY_MAX} characters after @.`).default(""),
});

/** `text` as a LIKE pattern that matches itself literally at its start. */
const startsWith = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The members of a room (a member may ask; anyone else gets NotFoundError) other than the actor,
 * whose username or display name, or a word of it, starts with `query.q` (case-insensitive), ranked
 * by their newest message in the room (among its newest RANKING_WINDOW; those who wrote none of them
 * after), then by name; at most 8. One query, whatever the room's size or history: the recent
 * authors come from one index range, and the room's member count, which "@room" needs, rides along
 * as the row that is always there.
 */
export async function suggestMembers(deps: Deps, actor: Actor, roomId: number, query: unknown): Promise<MentionSuggestions> {
  const { q } = parseInput(input, query ?? {});
  const room = await authorize(deps, actor.id, roomId, "read");
  const pattern = startsWith(q);
  const name = sql`lower(${users.displayName})`;
  const recent = deps.db
    .select({ authorId: messages.authorId, id: messages.id })
    .from(messages)
    .where(eq(messages.roomId, room.id))
    .orderBy(desc(messages.id))
    .limit(RANKING_WINDOW)
    .as("recent");
  const lastPosts = deps.db
    .select({ authorId: recent.authorId, lastPost: sql<number>`max(${recent.id})`.as("last_post") })
    .from(recent)
    .groupBy(recent.authorId)
    .as("last_posts");
  const candidates = deps.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      lastPost: lastPosts.lastPost,
      sortName: name.as("sort_name"),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(lastPosts, eq(lastPosts.authorId, users.id))
    .where(
      and(
        eq(memberships.roomId, room.id),
        ne(users.id, actor.id),
        q === ""
          ? undefined
          : or(sql`lower(${users.username}) like ${pattern}`, sql`${name} like ${pattern}`, sql`${name} like ${`% ${pattern}`}`),
      ),
    )
    .orderBy(sql`${lastPosts.lastPost} desc nulls last`, sql`sort_name`, users.id)
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
  // Offered where the actor may say it (mayMentionRoom), and never in a direct conversation, where it
  // would only mean the one other person.
  const everyone =
    "room".startsWith(q.toLowerCase()) &&
    room.kind !== "direct" &&
    mayMentionRoom(actor, memberCount, deps.mentions.roomMaxMembers) === null;
  return { room: everyone, members };
}
