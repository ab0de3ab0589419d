/**
 * Typed errors with a user-facing `message` (one line: what and why), an optional `detail` (the tool's stderr
 * tail, the server's words) and an optional `hint` (what to do). Adapters show them without parsing text.
 */
export type ErrorKind =
  | 'usage' // bad arguments or options
  | 'input' // a file or value given to us is wrong (truncated dump, bad target)
  | 'auth' // wrong password / no pg_hba entry
  | 'unreachable' // host down, refused, timed out
  | 'database' // unknown database or other server-side refusal
  | 'ssl' // SSL required / not supported
  | 'tool-missing' // no pg_dump etc. found
  | 'tool-version' // tools too old for the server / archive
  | 'tool-failed' // a client tool exited non-zero
  | 'mismatch' // a copy or download does not match its recorded checksum (the CLI's exit 1)
  | 'cancelled'
  | 'io';

export class PgBackupError extends Error {
  readonly detail?: string;
  readonly hint?: string;

  constructor(
    message: string,
    readonly kind: ErrorKind,
    more: { detail?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = 'PgBackupError';
    this.detail = more.detail;
    this.hint = more.hint;
  }
}

export class CancelledError extends PgBackupError {
  constructor(what = 'Operation') {
    super(`${what} was cancelled.`, 'cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * Receives one sentence for each thing an operation that stopped (cancelled or failed) cleaned up, or had to leave
 * behind: "removed /b/x.dump.partial", "left the scratch database d on h:5432: drop it with …". Adapters show
 * them with the cancel or the error; on success nothing is reported.
 */
export type CleanupLog = (fact: string) => void;

export function isPgBackupError(e: unknown): e is PgBackupError {
  return e instanceof PgBackupError;
}

/** A one-line message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
