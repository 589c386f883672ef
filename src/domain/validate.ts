import type { z } from "zod";
import { InvalidInputError } from "./errors.js";

/** PostgreSQL refuses U+0000 in text, and no one types it: it only comes from a broken or hostile client. */
export function hasNul(text: string): boolean {
  return text.includes("\u0000");
}

export const NUL_IN_FIELD = "Remove the invisible control character (NUL) from this field.";

/** Whether any string in a parsed value (however nested) holds a NUL. */
function holdsNul(value: unknown): boolean {
  if (typeof value === "string") return hasNul(value);
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsNul);
  return false;
}

/** The fields of parsed input that hold a NUL, each with the message for it. */
function nulErrors(data: unknown): Record<string, string> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return holdsNul(data) ? { form: NUL_IN_FIELD } : {};
  return Object.fromEntries(Object.entries(data).flatMap(([field, value]) => (holdsNul(value) ? [[field, NUL_IN_FIELD]] : [])));
}

/**
 * Parses untrusted input; on failure, one message per field (the first rule it broke). The strings
 * that passed the schema are what would reach the database, so a NUL in any of them is refused
 * here, tied to its field, for every input there is.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    const errors = nulErrors(result.data);
    if (Object.keys(errors).length === 0) return result.data;
    throw new InvalidInputError(errors);
  }
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  throw new InvalidInputError(errors);
}
