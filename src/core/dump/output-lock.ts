import { open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PgBackupError } from '../errors';
import { removeOnExit } from '../process/exit-cleanup';

/** `.<name>.lock` beside the backup (hidden: the Backups view ignores it), holding the writing process's pid. */
export const lockPath = (out: string) => join(dirname(out), `.${basename(out)}.lock`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid in a lock; a lock just created may not hold it yet: read once more after a moment. */
async function lockPid(lock: string): Promise<number> {
  const read = async () => Number((await readFile(lock, 'utf8').catch(() => '')).trim() || NaN);
  const pid = await read();
  if (!Number.isNaN(pid)) return pid;
  await sleep(200);
  return read();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `out` for this process: creates its lock file exclusively (O_EXCL), so two dumps to the same name never
 * share `<out>.partial`. A lock whose process is gone (killed) is taken over. Returns the release.
 */
export async function lockOutput(out: string): Promise<() => Promise<void>> {
  const lock = lockPath(out);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lock, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`).finally(() => handle.close());
      const forget = removeOnExit(lock);
      return async () => {
        await rm(lock, { force: true });
        forget();
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PgBackupError(`Cannot write next to ${out}: ${(e as Error).message}`, 'io');
      }
      const pid = await lockPid(lock);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        const hint = 'Wait for it to finish, or choose another name.';
        throw new PgBackupError(`${out} is being written by another dump (pid ${pid}).`, 'io', { hint });
      }
      if (attempt > 0) throw new PgBackupError(`Cannot take ${out}: its lock ${lock} keeps coming back.`, 'io');
      await rm(lock, { force: true }); // left by a dump that was killed
    }
  }
}
