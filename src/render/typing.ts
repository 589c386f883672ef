import { render } from "./engine.js";
import { outOfBand } from "./message.js";
import { at, id } from "./dom.js";

/**
 * What `viewerId` reads in a room's typing line: never their own name. "Alice is typing…",
 * "Alice and Bob are typing…", "Several people are typing…", or nothing.
 */
export function typingText(viewerId: number, typists: number[], names: Map<number, string>): string {
  const others = typists.flatMap((id) => (id !== viewerId && names.has(id) ? [names.get(id)!] : []));
  if (others.length === 0) return "";
  if (others.length === 1) return `${others[0]} is typing…`;
  if (others.length === 2) return `${others[0]} and ${others[1]} are typing…`;
  return "Several people are typing…";
}

/** Replaces the words inside the room's status region, which stays in place so it can be announced. */
export function renderTypingPush(text: string): string {
  return outOfBand("innerHTML", at(id.typing), render("partials/typing", { text }));
}
