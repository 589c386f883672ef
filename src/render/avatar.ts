/**
 * A person's avatar until uploaded pictures exist: their initials on one of a few colours, chosen
 * by their id, so it stays the same everywhere and neighbours in a room usually differ. Every tone
 * carries white text at 4.5:1 or more (see `.avatar-*` in src/styles.css).
 */
export const AVATAR_TONES = 8;

export interface AvatarView {
  initials: string;
  tone: number;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (
    words
      .slice(0, 2)
      .map((w) => [...w][0]!.toUpperCase())
      .join("") || "?"
  );
}

export function presentAvatar(userId: number, name: string): AvatarView {
  return { initials: initials(name), tone: userId % AVATAR_TONES };
}
