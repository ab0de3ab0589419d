/**
 * The built CLI (`node dist/cli.js`, built once per test process) as the fault suites run it: a real child process
 * with a run tag and a private TMPDIR (see test/support/leftovers.ts), and how its outcome reads to a user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { RUN_TAG_VAR } from '../../support/leftovers';

const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

let built = false;
/** `npm run build` once per test process: the suites exercise the CLI users run. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
  built = true;
}

/** A new folder the postgres OS user can use too (a throwaway cluster lives there); `prefix` may be a path. */
export function privateTmp(prefix: string): string {
  const dir = mkdtempSync(isAbsolute(prefix) ? prefix : join(process.env.PGBACKUP_TEST_TMP ?? tmpdir(), prefix));
  chmodSync(dir, 0o1777);
  return dir;
}

let sharedTmp: string | undefined;
/**
 * The TMPDIR every CLI run of this test process gets: one folder, so the initdb template a drill keeps there is
 * made once, not once per suite. Removed when the process exits.
 */
export function runTmp(): string {
  if (sharedTmp) return sharedTmp;
  const dir = privateTmp('pgb-faults-tmp-');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (sharedTmp = dir);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Milliseconds from the start to the CLI's first output (undefined: it printed nothing). */
  firstOutputMs?: number;
}

export interface RunningCli {
  child: ChildProcess;
  tag: string;
  started: number;
  /** Resolves when stderr has a line matching `re` (or rejects when the run ends first). */
  stderrLine(re: RegExp): Promise<string>;
  done: Promise<CliResult>;
}

export interface CliRunOptions {
  tag: string;
  tmp: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Own process group, so a test can signal the whole group as a terminal's Ctrl-C does. */
  group?: boolean;
}

/** Starts `node dist/cli.js …args`; its environment has no PGPASSWORD unless `env` gives one. */
export function startCli(args: string[], o: CliRunOptions): RunningCli {
  const env = { ...process.env, PGPASSWORD: undefined, ...o.env, TMPDIR: o.tmp, [RUN_TAG_VAR]: o.tag };
  const child = spawn(process.execPath, [CLI, ...args], { env, cwd: o.cwd ?? ROOT, detached: o.group ?? false });
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const line = stderr.split('\n').find((l) => w.re.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  const started = Date.now();
  let firstOutputMs: number | undefined;
  const seen = () => (firstOutputMs ??= Date.now() - started);
  child.stdout!.on('data', (d) => {
    seen();
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    seen();
    stderr += d;
    check();
  });
  const done = new Promise<CliResult>((res) =>
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) {
        w.reject(new Error(`the CLI ended before a line matching ${w.re}:\n${stderr}`));
      }
      res({ code, signal, stdout, stderr, ms: Date.now() - started, firstOutputMs });
    }),
  );
  return {
    child,
    tag: o.tag,
    started,
    done,
    stderrLine: (re) => new Promise((resolve, reject) => (waiters.push({ re, resolve, reject }), check())),
  };
}

export async function runCli(args: string[], o: CliRunOptions): Promise<CliResult> {
  return startCli(args, o).done;
}

const PROGRESS =
  /^(Dumping |Restoring |Drill \d|Base backup \d|Verifying the backup|  (restore|skip|recreate) |Left out:|Note: )/;
/** The first line of stderr that is not a progress or plan line: what the user reads as the outcome. */
export function firstMessage(stderr: string): string {
  return stderr.split('\n').find((l) => l.trim() && !PROGRESS.test(l)) ?? '';
}

/**
 * How a signalled run may end: exit 130 (cancelled), exit 0 (it finished first), or killed by the signal itself
 * while Node was still starting, before the CLI printed anything or could have started any work.
 */
export function cancelOutcome(r: CliResult): 'cancelled' | 'finished' | 'killed at start' | undefined {
  if (r.code === 130) return 'cancelled';
  if (r.code === 0) return 'finished';
  if (r.signal && r.firstOutputMs === undefined) return 'killed at start';
  return undefined;
}

/** A stack trace's frames never reach the user. */
export const hasStackTrace = (text: string) => /^\s+at .+\(?.+:\d+:\d+\)?$/m.test(text);
