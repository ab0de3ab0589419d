/**
 * Pieces every drill's throwaway server shares: a free port, a cancellable pause, and a stop that always
 * happens. The server listens on a socket in the drill's scratch folder only (see drill-settings.ts).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ServerOwner } from './server-owner';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Waits ms, or less when the signal aborts (the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Stops the throwaway server if it runs: fast (rolls back sessions), immediate if fast does not finish. */
export async function stopServer(owner: ServerOwner, pgCtl: string, dataDir: string, startInterrupted: boolean): Promise<void> {
  // A cancel can land while pg_ctl is launching the postmaster: give its pid file a moment to appear.
  for (let i = 0; startInterrupted && i < 10 && !existsSync(join(dataDir, 'postmaster.pid')); i++) await sleep(200);
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
  const stop = (mode: string) => owner.run({ file: pgCtl, args: ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'] });
  await stop('fast').catch(() => stop('immediate').catch(() => undefined));
}
