/** The built CLI (dist/cli.js, `npm run build` first) as a real child process, for tests that signal it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CliRun {
  child: ChildProcess;
  stderr: string[];
  /** Resolves with the exit code (a signal's name when it was killed by one) once the process ended. */
  done: Promise<{ code: number | string; stdout: string; stderr: string[]; ms: number }>;
  /** Resolves when a stderr line matches (progress lines are on stderr); rejects if the process ends first. */
  line(pattern: RegExp): Promise<string>;
}

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export function runCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  let stdout = '';
  const waiters: { pattern: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const l of parts) {
      stderr.push(l);
      for (const w of [...waiters]) {
        if (!w.pattern.test(l)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const done = new Promise<{ code: number | string; stdout: string; stderr: string[]; ms: number }>((resolve) => {
    child.on('close', (code, signal) => {
      if (rest) stderr.push(rest);
      for (const w of waiters) w.reject(new Error(`the CLI ended before printing ${w.pattern}: ${stderr.join('\n')}`));
      resolve({ code: code ?? signal ?? 'unknown', stdout, stderr, ms: Date.now() - started });
    });
  });
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = stderr.find((l) => pattern.test(l));
      if (seen !== undefined) return resolve(seen);
      if (child.exitCode !== null) return reject(new Error(`the CLI ended before printing ${pattern}`));
      waiters.push({ pattern, resolve, reject });
    });
  return { child, stderr, done, line };
}

/** Command lines of running processes that mention `text` (a folder of the test): pg_dump, postgres, pg_restore. */
export function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(text) && Number(pid) !== process.pid) out.push(`${pid}: ${cmd}`);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}
