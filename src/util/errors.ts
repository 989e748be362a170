/**
 * Errors a user can fix (bad input, bad config) carry an exit code of 1 and are printed as a
 * message without a stack trace; anything else is an internal error (exit code 2).
 */
export class UserError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** A file that cannot be read as a whole: names the file, where in it, and why. */
export class InputFileError extends UserError {
  constructor(
    readonly file: string,
    readonly where: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${where ? `, ${where}` : ""}: ${reason}`);
    this.name = "InputFileError";
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
