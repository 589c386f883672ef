import { MulterError } from "multer";
import { UploadError } from "../domain/errors.js";

/** The limits a multipart post is parsed with, which the refusals name. */
export interface FormLimits {
  files: number;
  fields: number;
  fieldSize: number;
  fieldNameSize: number;
  parts: number;
}

const malformed = (what: string) => `could not be read: it is not a well-formed multipart form (${what})`;

// busboy's errors carry no code, only these messages (busboy 1.x); multer adds the last two when the
// client goes away mid-form, when no one reads the answer but it is still no fault of the server's.
const busboyReasons: Array<[RegExp, string]> = [
  [/^Malformed part header$/, malformed("the headers of a part are malformed or too long")],
  [/^Multipart: Boundary not found$/, malformed("it has no boundary")],
  [/^Unexpected end of (form|file)$/, "could not be read: it ended before the form did"],
  [/^Request (aborted|closed)$/, "was cut off before it ended"],
];

function multerRefusal(err: MulterError, limits: FormLimits): UploadError {
  switch (err.code) {
    case "LIMIT_PART_COUNT":
      return new UploadError(413, null, `has more than ${limits.parts} parts`);
    case "LIMIT_FILE_COUNT":
      return new UploadError(413, null, `has more than ${limits.files} files`);
    case "LIMIT_FIELD_COUNT":
      return new UploadError(413, null, `has more than ${limits.fields} fields`);
    case "LIMIT_FIELD_VALUE":
      return new UploadError(413, null, `has a field longer than ${limits.fieldSize / 1024} KB (“${err.field}”)`);
    case "LIMIT_UNEXPECTED_FILE":
      return new UploadError(400, null, `has a file in a field Parley does not take (“${err.field}”)`);
    case "LIMIT_FIELD_KEY":
      return new UploadError(400, null, `has a field name longer than the ${limits.fieldNameSize} characters Parley takes`);
    case "MISSING_FIELD_NAME":
      return new UploadError(400, null, "has a part without a field name");
    // LIMIT_FILE_SIZE cannot happen (the storage engine enforces each type's own limit), nor can
    // the nesting and array-index limits (not set); INVALID_FIELD_NAME and any code to come land here.
    default:
      return new UploadError(400, null, `could not be read: ${err.message.toLowerCase()}`);
  }
}

/**
 * What a multipart post that breaks a rule of the form is told, next to the composer: every error
 * multer and busboy raise about the form itself is the sender's doing, so it is a 4xx with the
 * reason. Anything else (a disk that failed) is no refusal: null.
 */
export function formRefusal(err: unknown, limits: FormLimits): UploadError | null {
  if (err instanceof MulterError) return multerRefusal(err, limits);
  if (!(err instanceof Error)) return null;
  const reason = busboyReasons.find(([pattern]) => pattern.test(err.message))?.[1];
  return reason === undefined ? null : new UploadError(400, null, reason);
}
