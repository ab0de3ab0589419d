import { CancelledError, PgBackupError } from '../errors';
import { maskSecrets } from './mask';
import { watchForStall } from './stall-watchdog';

export interface RunToolOptions {
  /** Absolute path of the tool. */
  file: string;
  args: readonly string[];
  /** Extra environment for the child (merged over process.env). Passwords go here or in a pgpass file. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  /** Called for each stderr line (pg_dump -v, pg_basebackup -P use stderr). `\r`-terminated lines count too. */
  onStderrLine?: (line: string) => void;
  onStdoutLine?: (line: string) => void;
  /** Called once with the command line, secrets masked, before the tool starts. */
  log?: (commandLine: string) => void;
  /** Write stdout to this file instead of buffering it. */
  stdoutFile?: string;
  /** Bytes fed to the child's stdin. */
  input?: string;
  /** Milliseconds between SIGINT and SIGKILL on cancel. */
  killGraceMs?: number;
  /**
   * Run the tool in its own process group and signal the whole group on cancel. pg_basebackup forks a WAL
   * streamer that only its atexit handler stops, which SIGINT skips: the orphan would keep streaming (and keep
   * our stderr pipe open) forever.
   */
  processGroup?: boolean;
  /**
   * Kill the tool (and fail) when for this long it printed nothing, read and wrote nothing, and yet kept the CPU
   * busy: spinning, as pg_restore 15 does on a truncated tar. Waiting on a server is not a stall.
   */
  stallMs?: number;
}

export interface RunToolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

const TAIL_LINES = 20;

/** Shell-like rendering of an argv for logs (never executed). */
export function renderCommandLine(file: string, args: readonly string[]): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [file, ...args].map(q).join(' ');
}

function splitLines(onLine: (l: string) => void): (chunk: Buffer | string) => void {
  let rest = '';
  return (chunk) => {
    rest += chunk.toString();
    const parts = rest.split(/\r\n|\r|\n/);
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.length) onLine(p);
  };
}

/**
 * Runs a PostgreSQL client tool from an argv array (never a shell string). On abort sends SIGINT (pg_dump and
 * pg_basebackup clean up their workers on it), then SIGKILL after a grace period. A non-zero exit becomes a
 * PgBackupError('tool-failed') whose detail is the last stderr lines.
 */
export async function runTool(opts: RunToolOptions): Promise<RunToolResult> {
  const name = opts.file.split(/[\\/]/).pop() ?? opts.file;
  opts.log?.(maskSecrets(renderCommandLine(opts.file, opts.args)));
  if (opts.signal?.aborted) throw new CancelledError(name);
  // execa 9 is ESM-only; a dynamic import loads it as ESM even from CommonJS (tsx in the tests), where a
  // static import is turned into a require() that cannot resolve execa's own ESM-only dependencies.
  const { execa } = await import('execa');
  const started = Date.now();
  const stderrTail: string[] = [];
  const child = execa(opts.file, [...opts.args], {
    env: opts.env,
    extendEnv: true,
    cwd: opts.cwd,
    reject: false,
    stripFinalNewline: false,
    buffer: { stdout: !opts.stdoutFile, stderr: false },
    stdout: opts.stdoutFile ? { file: opts.stdoutFile } : 'pipe',
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
    cancelSignal: opts.signal,
    killSignal: 'SIGINT',
    forceKillAfterDelay: opts.killGraceMs ?? 5000,
    detached: opts.processGroup,
  });
  const killGroup = () => {
    const pid = child.pid;
    if (!pid) return;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // the group is gone already
      }
    };
    kill('SIGINT');
    setTimeout(() => kill('SIGKILL'), opts.killGraceMs ?? 5000).unref();
  };
  if (opts.processGroup) opts.signal?.addEventListener('abort', killGroup, { once: true });
  let stalled = false;
  const watchdog =
    opts.stallMs && child.pid
      ? watchForStall(child.pid, opts.stallMs, () => {
          stalled = true;
          if (opts.processGroup) killGroup();
          else child.kill('SIGKILL');
        })
      : undefined;
  child.stdout?.on('data', () => watchdog?.progressed());
  child.stderr?.on('data', () => watchdog?.progressed());
  child.stderr?.on(
    'data',
    splitLines((line) => {
      stderrTail.push(line);
      if (stderrTail.length > TAIL_LINES) stderrTail.shift();
      opts.onStderrLine?.(line);
    }),
  );
  if (opts.onStdoutLine && child.stdout) {
    // The last line may have no newline (Barman's JSON): it counts too, once the stream ends.
    const onChunk = splitLines(opts.onStdoutLine);
    child.stdout.on('data', onChunk);
    child.stdout.on('end', () => onChunk('\n'));
  }
  const result = await child.finally(() => {
    watchdog?.stop();
    opts.signal?.removeEventListener('abort', killGroup);
  });
  const durationMs = Date.now() - started;
  const stderr = stderrTail.join('\n');
  if (result.isCanceled || opts.signal?.aborted) throw new CancelledError(name);
  if (stalled) {
    const secs = Math.round(opts.stallMs! / 1000);
    const what = 'busy, but printing, reading and writing nothing';
    const message = `${name} failed: it stopped making progress for ${secs} s (${what}).`;
    throw new PgBackupError(message, 'tool-failed', {
      detail: maskSecrets(stderr),
      hint: 'The input may be damaged or cut short.',
    });
  }
  if (result.failed || result.exitCode !== 0) {
    if (result.code === 'ENOENT') {
      throw new PgBackupError(`${name} was not found at ${opts.file}.`, 'tool-missing');
    }
    const last = stderrTail.filter(
      (l) =>
        !/^\S+: (?:\w+: )?(?:dumping|reading|saving|processing|finding|identifying|creating|executing|launching|finished|last built-in)/.test(
          l,
        ),
    );
    const reason = (last.at(-1) ?? stderrTail.at(-1) ?? `exit code ${result.exitCode ?? result.signal}`).replace(
      /^\S+: (error: )?/,
      '',
    );
    throw new PgBackupError(`${name} failed: ${reason}`, 'tool-failed', { detail: maskSecrets(stderr) });
  }
  return { stdout: typeof result.stdout === 'string' ? result.stdout : '', stderr, exitCode: 0, durationMs };
}
