import type { z } from "zod";
import { InvalidInputError } from "./errors.js";

/** Parses untrusted input; on failure, one message per field (the first rule it broke). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  throw new InvalidInputError(errors);
}
