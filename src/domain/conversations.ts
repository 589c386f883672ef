import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, rooms, users } from "../db/schema.js";
import type { Deps } from "./deps.js";
import { InvalidInputError } from "./errors.js";
import { parseInput } from "./validate.js";

/**
 * Direct and group conversations: a private room whose members are a fixed set of people. The set,
 * as sorted ids, is unique, so opening a conversation with the same people finds the one there is.
 */

export const MAX_CONVERSATION_PEOPLE = 20;
export const PEOPLE_LIMIT = 100;

export interface Person {
  id: number;
  username: string;
  displayName: string;
  lastSeenAt: Date | null;
}

const personId = z.coerce.number().int().positive();

const openInput = z.object({
  // The "Message" button next to one person, or the ticked boxes of a group.
  with: personId.optional(),
  people: z.union([personId, z.array(personId)]).optional(),
});

const searchInput = z.object({ q: z.string().trim().max(100).catch("").default("") });

/**
 * Everyone on the server but the viewer, by name; `q` filters by name or username (case-insensitive).
 * A `q` the database cannot take (a NUL) is refused with InvalidInputError.
 */
export async function findPeople({ db }: Deps, viewerId: number, query: unknown): Promise<Person[]> {
  const { q } = parseInput(searchInput, query ?? {});
  const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, lastSeenAt: users.lastSeenAt })
    .from(users)
    .where(
      and(
        ne(users.id, viewerId),
        q === "" ? undefined : or(sql`lower(${users.displayName}) like ${pattern}`, sql`lower(${users.username}) like ${pattern}`),
      ),
    )
    .orderBy(asc(sql`lower(${users.displayName})`), asc(users.id))
    .limit(PEOPLE_LIMIT);
}

/** People by id (those that exist), for showing who is already chosen. */
export async function peopleByIds({ db }: Deps, ids: number[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, lastSeenAt: users.lastSeenAt })
    .from(users)
    .where(inArray(users.id, ids))
    .orderBy(asc(sql`lower(${users.displayName})`), asc(users.id));
}

/**
 * The ids a People form chose: the one "Message" button pressed, else the ticked boxes. Anything
 * that is not an id chooses no one (and opening a conversation then says to choose someone).
 */
export function chosenPeople(input: unknown): number[] {
  const parsed = openInput.safeParse(input);
  if (!parsed.success) return [];
  const data = parsed.data;
  if (data.with !== undefined) return [data.with];
  return [...new Set([data.people ?? []].flat())];
}

/** Finds or starts the conversation between the user and the people they chose; returns its id. */
export async function openConversation(deps: Deps, userId: number, input: unknown): Promise<number> {
  const others = chosenPeople(input).filter((id) => id !== userId);
  if (others.length === 0) throw new InvalidInputError({ people: "Choose at least one person." });
  if (others.length > MAX_CONVERSATION_PEOPLE - 1) {
    throw new InvalidInputError({ people: `A conversation can have at most ${MAX_CONVERSATION_PEOPLE} people.` });
  }
  const found = await deps.db.select({ id: users.id }).from(users).where(inArray(users.id, others));
  if (found.length !== others.length) throw new InvalidInputError({ people: "Someone you chose is no longer here." });

  const ids = [userId, ...others].sort((a, b) => a - b);
  const key = ids.join(",");
  return deps.db.transaction(async (tx) => {
    // Two people opening the same conversation at once: one insert wins, the other finds its row.
    const [created] = await tx
      .insert(rooms)
      .values({ name: "", kind: ids.length === 2 ? "direct" : "group", isPrivate: true, participantsKey: key, createdBy: userId })
      .onConflictDoNothing({ target: rooms.participantsKey })
      .returning({ id: rooms.id });
    if (created) {
      await tx.insert(memberships).values(ids.map((id) => ({ roomId: created.id, userId: id })));
      return created.id;
    }
    const [existing] = await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.participantsKey, key));
    return existing!.id;
  });
}
