/** Something the user may not see, or that does not exist: both answer 404 so that nothing leaks. */
export class NotFoundError extends Error {
  constructor(what = "Not found") {
    super(what);
  }
}

/** Input that breaks a rule, tied to the field it came from. */
export class InvalidInputError extends Error {
  constructor(
    readonly errors: Record<string, string>,
    readonly status: 400 | 409 | 422 = 422,
  ) {
    super(Object.values(errors).join(" "));
  }
}

/**
 * An upload that cannot be taken: 400 a form that breaks the rules of multipart, 413 too large (or too
 * many parts), 415 not a supported type, 422 unreadable or with a name Parley will not keep.
 */
export class UploadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    /** The file at fault; null when it is the upload as a whole. */
    readonly fileName: string | null,
    reason: string,
  ) {
    super(fileName === null ? `The upload ${reason}.` : `“${fileName}” ${reason}.`);
  }
}

/** Failed log-ins for one username came too fast: the next attempt must wait. */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts for this account; try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`);
  }
}
