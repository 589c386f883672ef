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
