/** Parses a numeric id from a URL; anything else becomes an id that matches nothing. */
export function idParam(value: unknown): number {
  const n = typeof value === "string" && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : -1;
}
