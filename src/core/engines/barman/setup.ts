/**
 * Applies a generated Barman setup: its folders (given to Barman's user), its configuration file (written
 * atomically; it holds no secret), then its commands in order. The first command that fails stops it, named.
 */
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../../atomic-write';
import { serverOwner } from '../../drill/server-owner';
import { PgBackupError } from '../../errors';
import type { EngineRunOptions } from '../types';
import type { BarmanSetup } from './config';
import { parseCheck } from './parse';
import { barmanRunner } from './run';

export async function applyBarmanSetup(server: string, setup: BarmanSetup, o: EngineRunOptions = {}): Promise<void> {
  const repo = { engine: 'barman' as const, name: server, config: setup.configFile };
  await writeFileAtomic(setup.configFile, setup.config, 0o644);
  const r = await barmanRunner(repo, o);
  const owner = serverOwner(o.log, r.user);
  for (const dir of setup.directories) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await owner.adopt(dir, o.signal);
  }
  for (const [i, c] of setup.commands.entries()) {
    o.onProgress?.(i / setup.commands.length, `Barman: ${c.step}`);
    const args = c.argv.slice(setup.configFile ? 3 : 1);
    if (args[0] !== 'check') {
      await r.run({ step: c.step, args });
      continue;
    }
    const res = await r.run({ step: c.step, args: ['-f', 'json', ...args], allowFailure: true });
    const verdict = parseCheck(res.stdout, server);
    if (!verdict.ok) throw new PgBackupError(`Barman check of "${server}" ${verdict.message}`, 'tool-failed');
  }
  o.onProgress?.(1, 'Barman is set up');
}
