/**
 * What a run left behind. A run is marked with a tag in its environment (RUN_TAG_VAR), which every process it
 * starts inherits (pg_dump, pg_restore, a throwaway postgres through runuser and pg_ctl), so its leftovers are
 * found in /proc even after they were reparented, and other tests running on the same machine are not mistaken
 * for them. Its temp folders go into a private TMPDIR given to the run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_TAG_VAR = 'PGBACKUP_TEST_RUN_TAG';

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

function readProc(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return undefined; // gone, or not ours to read
  }
}

const pids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n));
const isZombie = (pid: string) => / Z /.test(readProc(pid, 'stat')?.replace(/^.*\)/, ')') ?? ' Z ');

/** The live (not zombie) processes whose environment carries `tag`. */
export function taggedProcesses(tag: string): ProcessInfo[] {
  const needle = `\0${RUN_TAG_VAR}=${tag}\0`;
  return pids()
    .filter((pid) => pid !== String(process.pid) && `\0${readProc(pid, 'environ') ?? ''}`.includes(needle))
    .filter((pid) => !isZombie(pid))
    .map((pid) => ({ pid: Number(pid), cmdline: (readProc(pid, 'cmdline') ?? '').replace(/\0/g, ' ').trim() }));
}

/** Tagged processes still alive after `graceMs` (a child may take a moment to be reaped after its parent exits). */
export async function processesLeft(tag: string, graceMs = 1000): Promise<ProcessInfo[]> {
  const until = Date.now() + graceMs;
  for (;;) {
    const left = taggedProcesses(tag);
    if (!left.length || Date.now() >= until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills what a failed trial left, so the next trial starts clean. */
export function killTagged(tag: string): void {
  for (const p of taggedProcesses(tag)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Entries in a run's private TMPDIR, except the initdb template cache drills keep on purpose. */
export function tempLeftovers(tmp: string): string[] {
  return readdirSync(tmp).filter((n) => !n.startsWith('pgb-initdb-templates-'));
}

/** Files under `dir` (recursively) that no finished operation leaves: `.partial`, `.tmp-*`, 0-byte files. */
export function brokenFiles(dir: string, ignore: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (ignore.includes(p)) continue;
      if (/\.partial|\.tmp-|\.tmp$/.test(e.name)) found.push(p);
      else if (e.isDirectory()) walk(p);
      else if (e.isFile() && statSync(p).size === 0) found.push(p);
    }
  };
  walk(dir);
  return found;
}

/**
 * Samples the command line of every process on the machine every `everyMs` and keeps those containing
 * `secret` (masked in what it keeps). Synchronous reads: a sample is one pass over /proc, so no process is read
 * twice at once.
 */
export class CmdlineSampler {
  private timer: NodeJS.Timeout | undefined;
  samples = 0;
  readonly hits: ProcessInfo[] = [];

  constructor(
    private readonly secret: string,
    private readonly everyMs = 20,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample(): void {
    this.samples++;
    for (const pid of pids()) {
      const cmdline = readProc(pid, 'cmdline');
      if (!cmdline?.includes(this.secret)) continue;
      this.hits.push({ pid: Number(pid), cmdline: cmdline.replace(/\0/g, ' ').replaceAll(this.secret, '<password>') });
    }
  }

  stop(): this {
    clearInterval(this.timer);
    this.sample();
    return this;
  }
}
