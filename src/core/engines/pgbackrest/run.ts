/**
 * Runs one pgBackRest command as the user that owns the cluster and the repository (runuser to `postgres` when we
 * are root, as the drills run pg_ctl), with the repository's --config and --stanza, and turns a failure into a
 * PgBackupError carrying pgBackRest's own message, the step that failed and what to do about it.
 */
import { CancelledError, PgBackupError, type ErrorKind } from '../../errors';
import type { RunToolResult } from '../../process/run-tool';
import { serverOwner } from '../../drill/server-owner';
import { requirePgbackrest } from './discover';
import type { RepoSpec } from '../types';
import { S3_KEYS_HINT, S3_KEYS_REFUSED } from './s3-keys';

export interface PgbackrestCall {
  repo: RepoSpec;
  /** The pgBackRest command: info, backup, restore, verify, expire, check, stanza-create. */
  command: string;
  /** Options before the command (`--type=incr`), never secrets: those go in `env`. */
  args?: readonly string[];
  /** What the user asked for, named in the error ("backup", "restore"). Default the command. */
  step?: string;
  env?: Record<string, string | undefined>;
  /** Lines pgBackRest prints (its console log), as they come. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  log?: (commandLine: string) => void;
}

/** pgBackRest's error line: `ERROR: [037]: backup command requires option: pg1-path`. */
const ERROR_LINE = /\bERROR: \[(\d{3})\]: (.*)$/;
const HINT_LINE = /^\s*HINT: (.*)$/;

/** ArchiveDisabledError / ArchiveCommandInvalidError, told apart by their message (their codes moved between releases). */
const ARCHIVE_SETUP = -1;

/** What each pgBackRest error code means for the user (errorDefine.yaml), by kind and a hint of our own. */
function classify(code: number, message: string, repo: RepoSpec): { kind: ErrorKind; hint?: string } {
  const stanza = `Check the stanza name "${repo.name}"${repo.config ? ` and ${repo.config}` : ''}; pgbackrest info lists the stanzas.`;
  if (/permission denied/i.test(message))
    return {
      kind: 'io',
      hint: 'pgBackRest runs as the cluster\'s OS user ("postgres" when pg-backup runs as root): that user must be able to write the repository and its log, lock and spool paths.',
    };
  if (S3_KEYS_REFUSED.test(message)) return { kind: 'auth', hint: S3_KEYS_HINT };
  if (/archive_command .*must contain pgbackrest|archive_mode must be enabled/.test(message)) code = ARCHIVE_SETUP;
  switch (code) {
    case 37: // OptionRequiredError: a stanza missing from the config has no pg1-path
    case 55: // FileMissingError: no archive.info / backup.info for this stanza
      return { kind: 'input', hint: stanza };
    case 31: // OptionInvalidError
    case 32: // OptionInvalidValueError
    case 39: // OptionInvalidPairError
      return { kind: 'input' };
    case ARCHIVE_SETUP:
      return {
        kind: 'input',
        hint: "Set archive_mode = on and archive_command = 'pgbackrest --stanza=… archive-push %p' (the generated configuration shows it), then restart the server.",
      };
    case 82: // ArchiveTimeoutError
      return {
        kind: 'tool-failed',
        hint: 'The server did not archive WAL into the repository in time: check archive_command and the server log.',
      };
    case 50: // LockAcquireError
      return { kind: 'tool-failed', hint: 'Another pgBackRest command on this stanza is running: wait for it to end.' };
    default:
      return { kind: 'tool-failed' };
  }
}

/** The error for a failed call, from the lines pgBackRest printed (its ERROR and HINT lines). */
export function engineError(step: string, repo: RepoSpec, lines: readonly string[], fallback: string): PgBackupError {
  const i = lines.findIndex((l) => ERROR_LINE.test(l));
  if (i < 0)
    return new PgBackupError(`pgBackRest ${step} failed: ${fallback}`, 'tool-failed', { detail: lines.join('\n') });
  const [, code, text] = ERROR_LINE.exec(lines[i])!;
  // The message may go on over indented lines; a HINT line may follow.
  const more: string[] = [];
  let hint: string | undefined;
  for (const l of lines.slice(i + 1)) {
    const h = HINT_LINE.exec(l);
    if (h) hint = h[1];
    else if (/^\s{2,}\S/.test(l) && !hint) more.push(l.trim());
    else break;
  }
  const message = [text, ...more].join(' ').replace(/\s+/g, ' ').trim();
  const c = classify(Number(code), message, repo);
  return new PgBackupError(`pgBackRest ${step} failed: ${message}${hint ? ` (${hint})` : ''}`, c.kind, {
    hint: c.hint,
    detail: lines.slice(-20).join('\n'),
  });
}

export function pgbackrestArgv(repo: RepoSpec, command: string, args: readonly string[] = []): string[] {
  return [...(repo.config ? [`--config=${repo.config}`] : []), `--stanza=${repo.name}`, ...args, command];
}

export async function runPgbackrest(call: PgbackrestCall): Promise<RunToolResult> {
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    call.onLine?.(line);
  };
  await requirePgbackrest();
  const owner = serverOwner(call.log);
  try {
    return await owner.run({
      file: 'pgbackrest',
      args: pgbackrestArgv(call.repo, call.command, call.args),
      env: call.env,
      signal: call.signal,
      onStdoutLine: keep,
      onStderrLine: keep,
      // pgBackRest stops its local and remote workers on SIGINT/SIGTERM and releases its lock.
      processGroup: true,
      killGraceMs: 15_000,
    });
  } catch (e) {
    if (e instanceof CancelledError || call.signal?.aborted)
      throw new CancelledError(`pgBackRest ${call.step ?? call.command}`);
    if (e instanceof PgBackupError && e.kind === 'tool-missing')
      throw new PgBackupError('pgBackRest is not installed: there is no pgbackrest on PATH.', 'tool-missing', {
        hint: 'Install it (Debian: apt-get install pgbackrest).',
      });
    throw engineError(call.step ?? call.command, call.repo, lines, (e as Error).message);
  }
}
