import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client.js";
import { memberships, messageMentions, users } from "../db/schema.js";
import { mentionsIn, renderBody } from "../formatting/markdown.js";
import { mayMentionRoom, type Actor, type Granted, type Room } from "./access.js";
import type { Deps } from "./deps.js";
import { InvalidInputError } from "./errors.js";

/** Someone a message names who is not in its room: not mentioned, not told; its author is. */
export interface Absentee {
  id: number;
  username: string;
  displayName: string;
}

/** A text's mentions, resolved against the room as it is written. */
export interface ResolvedMentions {
  /** The text as HTML, with the people it mentions named. */
  bodyHtml: string;
  /** The members named by `@username` (its author is never among them). */
  people: number[];
  /** It says `@room`, and its author may say so here. */
  everyone: boolean;
  absent: Absentee[];
}

/**
 * Whom a message says `@username` or `@room` to, as the room is now, and its text rendered with
 * them: one query for the named people (whether each is a member), and a count of the members only
 * when it says `@room`, which is refused (422, the draft kept) where its author may not say it.
 */
export async function resolveMentions(deps: Deps, actor: Actor, room: Pick<Room, "id" | "kind">, body: string): Promise<ResolvedMentions> {
  const { usernames, room: toRoom } = mentionsIn(body);
  if (toRoom) {
    const [row] = await deps.db
      .select({ count: sql<number>`count(*)::int` })
      .from(memberships)
      .where(eq(memberships.roomId, room.id));
    const refusal = mayMentionRoom(actor, row?.count ?? 0, deps.mentions.roomMaxMembers);
    if (refusal) throw new InvalidInputError({ body: refusal }, 422);
  }
  const named = await namedPeople(deps, room.id, usernames);
  const members = named.filter((p) => p.member);
  const people = new Map(members.map((p) => [p.username, p]));
  return {
    bodyHtml: renderBody(body, { people, room: toRoom }),
    people: members.map((p) => p.id).filter((id) => id !== actor.id),
    everyone: toRoom,
    absent: named
      .filter((p) => !p.member)
      .slice(0, MAX_ABSENTEES)
      .map(({ id, username, displayName }) => ({ id, username, displayName })),
  };
}

/** The people of these (lower-cased) usernames, and whether each is in the room: one query. */
async function namedPeople(deps: Deps, roomId: number, usernames: string[]) {
  if (usernames.length === 0) return [];
  return deps.db
    .select({
      id: users.id,
      username: sql<string>`lower(${users.username})`,
      displayName: users.displayName,
      member: sql<boolean>`exists (select 1 from ${memberships} m where m.room_id = ${roomId} and m.user_id = ${users.id})`,
    })
    .from(users)
    .where(inArray(sql`lower(${users.username})`, usernames));
}

/**
 * Of these usernames (a page's `?absent=`, after a post without script), the people who are not
 * in the room: whatever the address says, only real people who are really not there are named.
 */
export async function absentees(deps: Deps, room: Granted<"read">, usernames: string[]): Promise<Absentee[]> {
  const lower = [...new Set(usernames.map((u) => u.toLowerCase()).filter((u) => /^[a-z0-9_.-]{1,32}$/.test(u)))].slice(0, MAX_ABSENTEES);
  const named = await namedPeople(deps, room.id, lower);
  return named.filter((p) => !p.member).map(({ id, username, displayName }) => ({ id, username, displayName }));
}

/** How many people a composer's notice names at most. */
export const MAX_ABSENTEES = 10;

/** Whether a resolution has any rows to write. */
export const mentionsAnyone = (m: ResolvedMentions) => m.people.length > 0 || m.everyone;

/**
 * The members a message mentions, as a condition on `users` joined to their membership: those
 * named, and for `@room` everyone else but its author, less those who mute `@room`.
 */
function mentioned(m: ResolvedMentions, authorId: number): SQL {
  const named = m.people.length ? inArray(users.id, m.people) : sql`false`;
  const everyone = m.everyone ? sql`not ${users.muteRoomMentions}` : sql`false`;
  return sql`${users.id} <> ${authorId} and (${named} or ${everyone})`;
}

/**
 * Writes who a message mentions, in the transaction that writes the message (or its edit): a
 * mention already there stays as it is (its read state too); one the text no longer makes goes.
 * Returns the people whose mention came or went.
 */
export async function writeMentions(
  db: Db,
  message: { id: number; roomId: number; authorId: number },
  m: ResolvedMentions,
  replacing: boolean,
): Promise<number[]> {
  const who = mentioned(m, message.authorId);
  const changed: number[] = [];
  if (replacing)
    changed.push(
      ...userIds(
        await db.execute(sql`delete from ${messageMentions} mm using ${users}
          where mm.message_id = ${message.id} and ${users.id} = mm.user_id and not (${who})
          returning mm.user_id`),
      ),
    );
  if (!mentionsAnyone(m)) return changed;
  const named = m.people.length ? inArray(users.id, m.people) : sql`false`;
  const added = await db.execute(sql`insert into ${messageMentions} (message_id, user_id, room_id, everyone)
    select ${message.id}::bigint, ${users.id}, ${message.roomId}::bigint, not (${named})
    from ${memberships} join ${users} on ${users.id} = ${memberships.userId}
    where ${and(eq(memberships.roomId, message.roomId), who)}
    on conflict do nothing
    returning user_id`);
  return [...changed, ...userIds(added)];
}

const userIds = (result: unknown) => rowsOf<{ user_id: number | string }>(result).map((r) => Number(r.user_id));
