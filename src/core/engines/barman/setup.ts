/**
 * Applies a generated Barman setup: its folders (given to Barman's user), its configuration file (written
 * atomically; it holds no secret), then its commands in order. The first command that fails stops it, named.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../atomic-write';
import { serverOwner } from '../../drill/server-owner';
import { sleep } from '../../drill/throwaway-server';
import { CancelledError, errorMessage, PgBackupError } from '../../errors';
import type { EngineRunOptions } from '../types';
import type { BarmanSetup } from './config';
import { barmanCheck, barmanRunner, type BarmanRunner } from './run';

const STREAMING_WAIT_MS = 90_000;

/**
 * Waits until Barman's WAL receiver, which `barman cron` starts in the background, streams from the slot (its
 * "replication slot" check passes: initialised and active). A segment switched before it connects is never
 * streamed (pg_receivewal starts at the server's current position), and `switch-wal --archive` would wait for it
 * in vain. cron is run again now and then, as Barman's own cron job would.
 */
async function untilStreaming(r: BarmanRunner, server: string, o: EngineRunOptions): Promise<void> {
  const until = Date.now() + STREAMING_WAIT_MS;
  for (let round = 1; ; round++) {
    const verdict = await barmanCheck(r, server);
    if (verdict.ok || !verdict.failed.includes('replication_slot')) return;
    if (Date.now() >= until)
      throw new PgBackupError(
        `Barman's WAL receiver for "${server}" did not start streaming within ${STREAMING_WAIT_MS / 1000} s: ${verdict.message}`,
        'tool-failed',
        { hint: `Look at receive-wal in Barman's log (barman_home/barman.log), then run Barman's cron again.` },
      );
    await sleep(1000, o.signal);
    if (o.signal?.aborted) throw new CancelledError();
    if (round % 10 === 0) await r.run({ step: 'start streaming WAL (cron starts receive-wal)', args: ['cron'] });
  }
}

/** While Barman waits for the switched segment: WAL written this often (see `walActivity`). */
const WAL_NUDGE_MS = 2000;

export interface BarmanSetupOptions extends EngineRunOptions {
  /**
   * Writes a little WAL on the server (`select txid_current()`: one commit record). `switch-wal --archive` waits
   * for the segment it closed, which Barman archives from its streaming folder only once pg_receivewal has begun
   * the next one; an idle server may write nothing for minutes, and Barman gives up after 120 s. Run every 2 s
   * while it waits.
   */
  walActivity?: () => Promise<unknown>;
  /** A pgpass file for the roles (mode 0600), written before Barman's folders are given to its OS user. */
  pgpass?: { file: string; text: string };
}

/** Runs one setup command; the WAL switch with `walActivity` beside it. */
async function runStep(r: BarmanRunner, step: string, args: string[], o: BarmanSetupOptions): Promise<void> {
  const nudge =
    args[0] === 'switch-wal' && o.walActivity
      ? setInterval(
          () =>
            void o
              .walActivity?.()
              .catch((e: unknown) => o.onLine?.(`writing WAL for Barman to archive: ${errorMessage(e)}`)),
          WAL_NUDGE_MS,
        )
      : undefined;
  try {
    await r.run({ step, args });
  } finally {
    clearInterval(nudge);
  }
}

export async function applyBarmanSetup(server: string, setup: BarmanSetup, o: BarmanSetupOptions = {}): Promise<void> {
  const repo = { engine: 'barman' as const, name: server, config: setup.configFile };
  await mkdir(dirname(setup.configFile), { recursive: true });
  await writeFileAtomic(setup.configFile, setup.config, 0o644);
  const r = await barmanRunner(repo, o);
  const owner = serverOwner(o.log, r.user);
  for (const dir of setup.directories) await mkdir(dir, { recursive: true, mode: 0o700 });
  if (o.pgpass) await writeFileAtomic(o.pgpass.file, o.pgpass.text, 0o600);
  for (const dir of setup.directories) await owner.adopt(dir, o.signal);
  for (const [i, c] of setup.commands.entries()) {
    o.onProgress?.(i / setup.commands.length, `Barman: ${c.step}`);
    const args = c.argv.slice(setup.configFile ? 3 : 1);
    if (args[0] === 'switch-wal') await untilStreaming(r, server, o);
    if (args[0] !== 'check') {
      await runStep(r, c.step, args, o);
      continue;
    }
    const verdict = await barmanCheck(r, server);
    if (!verdict.ok) throw new PgBackupError(`Barman check of "${server}" ${verdict.message}`, 'tool-failed');
  }
  o.onProgress?.(1, 'Barman is set up');
}
