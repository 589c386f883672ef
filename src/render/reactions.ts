import type { Reaction } from "../domain/sql/reactions.js";
import { MAX_REACTION } from "../domain/reactions.js";

export interface ReactionView {
  emoji: string;
  count: number;
  /** The viewer reacted with it (pressing it takes theirs back). */
  mine: boolean;
  /** Who reacted, as its accessible name and tooltip: "You, Alice and 3 others reacted with 👍". */
  label: string;
}

/** Up to this many people are named; more are "NAME, NAME and N others". */
const NAMED = 3;

/**
 * "Alice", "You and Bob", "You, Alice and Bob", "Alice, Bob and 3 others": the viewer (at `at` in
 * the list, or -1) first, as "You", then the others in the order they reacted. Reads only the
 * first few people, as the key of every reactor's variant computes one per reaction.
 */
function whoReacted({ people }: Reaction, at: number): string {
  const names = at >= 0 ? ["You"] : [];
  for (let i = 0; i < people.length && names.length <= NAMED; i++) if (i !== at) names.push(people[i]!.displayName);
  if (people.length > NAMED) return `${names.slice(0, NAMED - 1).join(", ")} and ${people.length - (NAMED - 1)} others`;
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

const labelOf = (reaction: Reaction, at: number) => `${whoReacted(reaction, at)} reacted with ${reaction.emoji}`;

/** A message's reactions as `viewerId` sees them (without one: as someone who reacted with none of them). */
export function presentReactions(reactions: Reaction[], viewerId?: number): ReactionView[] {
  return reactions.map((r) => {
    const at = r.people.findIndex((p) => p.id === viewerId);
    return { emoji: r.emoji, count: r.people.length, mine: at >= 0, label: labelOf(r, at) };
  });
}

/**
 * What makes a message's reactions read differently to each person who reacted: the labels of the
 * reactions they are in (which emoji, and whom those name beside "You"). People with the same key see
 * the same render; anyone not listed reacted with nothing and sees the render for no viewer.
 */
export function reactionVariants(reactions: Reaction[]): Map<number, string> {
  const keys = new Map<number, string>();
  for (const reaction of reactions) {
    reaction.people.forEach(({ id }, at) => keys.set(id, `${keys.get(id) ?? ""}${labelOf(reaction, at)}\n`));
  }
  return keys;
}

/** The picker's choices, each with the name a screen reader gives it. */
const commonReactions = [
  { emoji: "👍", name: "Thumbs up" },
  { emoji: "👎", name: "Thumbs down" },
  { emoji: "😄", name: "Smile" },
  { emoji: "😂", name: "Tears of joy" },
  { emoji: "🎉", name: "Party" },
  { emoji: "❤️", name: "Heart" },
  { emoji: "🙏", name: "Thank you" },
  { emoji: "👏", name: "Applause" },
  { emoji: "🔥", name: "Fire" },
  { emoji: "🚀", name: "Rocket" },
  { emoji: "👀", name: "Eyes" },
  { emoji: "😕", name: "Confused" },
];

export interface PickerView {
  messageId: number;
  /** Where its forms post. */
  action: string;
  choices: typeof commonReactions;
  maxLength: number;
  csrfToken: string;
  /** A reaction of one's own that was refused, and why. */
  value?: unknown;
  error?: string;
}

export function presentPicker(
  m: { id: number; roomId: number },
  csrfToken: string,
  refused?: { value: unknown; error: string },
): PickerView {
  return {
    messageId: m.id,
    action: `/rooms/${m.roomId}/messages/${m.id}/reactions`,
    choices: commonReactions,
    maxLength: MAX_REACTION,
    csrfToken,
    ...refused,
  };
}
