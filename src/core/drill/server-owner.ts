import { tmpdir } from 'node:os';
import { PgBackupError } from '../errors';
import { runTool, type RunToolOptions, type RunToolResult } from '../process/run-tool';

/**
 * The OS user the throwaway server runs as. pg_ctl and postgres refuse to run as root, so when we are root
 * (containers, CI) the server runs as `postgres` through runuser and the scratch folder is handed to that user;
 * otherwise everything runs as the invoking user and nothing changes hands.
 */
export interface ServerOwner {
  /** Runs a server binary (pg_ctl) as the owner. */
  run(opts: RunToolOptions): Promise<RunToolResult>;
  /** Gives a folder, recursively, to the owner (a no-op unless we are root). */
  adopt(dir: string, signal?: AbortSignal): Promise<void>;
  /**
   * A temp folder the owner can reach and write: the OS temp folder, unless it is private to us (root with
   * TMPDIR=/root/tmp, mode 0700, as in dev containers), then /tmp or /var/tmp. Scratch clusters and the initdb
   * templates go there, in folders of their own that only the owner can enter.
   */
  tempFolder(signal?: AbortSignal): Promise<string>;
}

const SERVER_USER = 'postgres';
const SYSTEM_TEMP = ['/tmp', '/var/tmp'];

/** The first of `tmpdir()`, /tmp and /var/tmp the user can write into, by user and TMPDIR (asked once each). */
const reachable = new Map<string, Promise<string>>();

function reachableTemp(user: string, run: ServerOwner['run'], signal?: AbortSignal): Promise<string> {
  const own = tmpdir();
  const key = `${user}\0${own}`;
  let found = reachable.get(key);
  if (!found) {
    const candidates = [...new Set([own, ...SYSTEM_TEMP])];
    found = (async () => {
      for (const dir of candidates) {
        const ok = await run({ file: 'test', args: ['-d', dir, '-a', '-w', dir, '-a', '-x', dir], signal }).then(
          () => true,
          () => false,
        );
        if (ok) return dir;
      }
      throw new PgBackupError(
        `The throwaway server runs as the OS user "${user}", which cannot write any temp folder: ` +
          `${candidates.join(', ')}.`,
        'tool-failed',
        {
          hint: `Point TMPDIR at a folder "${user}" can write (like /tmp, mode 1777), or drill on a server with --conn.`,
        },
      );
    })();
    reachable.set(key, found);
    found.catch(() => reachable.delete(key));
  }
  return found;
}

/**
 * `user` is the OS user to run as when we are root: `postgres` for servers, an engine's own user (Barman runs as
 * `barman`) for backup engines.
 */
export function serverOwner(log?: (line: string) => void, user = SERVER_USER): ServerOwner {
  if (process.getuid?.() !== 0) {
    return { run: (o) => runTool({ log, ...o }), adopt: async () => undefined, tempFolder: async () => tmpdir() };
  }
  const run: ServerOwner['run'] = (o) =>
    runTool({ log, ...o, file: 'runuser', args: ['-u', user, '--', o.file, ...o.args] });
  return {
    run,
    adopt: async (dir, signal) => {
      await runTool({ file: 'chown', args: ['-R', `${user}:`, dir], signal, log });
    },
    tempFolder: (signal) => reachableTemp(user, run, signal),
  };
}
