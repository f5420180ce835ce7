import { escapeUnsafe } from './escape';

/**
 * Errors the command reports as one line on stderr with exit code 2: the input or the arguments
 * cannot be used. Anything else that escapes is a bug, and main.ts still turns it into one line.
 */

/** Exit codes, as documented: 0 no errors, 1 errors found, 2 unusable input or arguments. */
export enum ExitCode {
  OK = 0,
  ERRORS_FOUND = 1,
  UNUSABLE = 2,
}

/** The arguments are wrong: an unknown flag, a bad value, a missing path. */
export class UsageError extends Error {
  public readonly exitCode = ExitCode.UNUSABLE;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The input cannot be read as Kubernetes YAML: unreadable, too big, not text, not YAML. */
export class InputError extends Error {
  public readonly exitCode = ExitCode.UNUSABLE;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Errors that carry their own message for the user (no stack trace, no error class name). */
export function isReportedError(error: unknown): error is UsageError | InputError {
  return error instanceof UsageError || error instanceof InputError;
}

/**
 * The single line printed for any error: `cdk8s-sidecars: <message>`. Newlines in the message are
 * folded so that the contract "exactly one line on stderr" holds whatever an exception carries.
 */
export function errorLine(error: unknown): string {
  let message: string;
  if (isReportedError(error)) {
    message = error.message;
  } else if (error instanceof Error) {
    message = `internal error: ${error.message || error.name}; please report it with the input that caused it`;
  } else {
    message = `internal error: ${String(error)}`;
  }
  return `cdk8s-sidecars: ${escapeUnsafe(message.replace(/\s*[\r\n]+\s*/g, ' ').trim())}\n`;
}
