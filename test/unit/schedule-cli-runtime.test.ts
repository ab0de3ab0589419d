/**
 * How a scheduled job runs the pg-backup CLI that wrote it: this process's runtime by absolute path, and under
 * Electron (desktop VS Code) that same binary as plain Node with ELECTRON_RUN_AS_NODE=1 — checked by running a
 * generated script whose "Electron" records the environment it was started with.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBackupScript } from '../../src/core/schedule';
import { cliRuntime } from '../../src/core/schedule/cli-runtime';

describe('schedule: the runtime a job runs the CLI with', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pgb-cli-runtime-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is this process: plain node as it is, Electron run as node', () => {
    assert.deepEqual(cliRuntime(), { node: process.execPath, runAsNode: false });
    const electron = { execPath: '/usr/share/code/code', versions: { ...process.versions, electron: '32.2.6' } };
    assert.deepEqual(cliRuntime(electron), { node: '/usr/share/code/code', runAsNode: true });
  });

  for (const runAsNode of [true, false]) {
    it(`a job ${runAsNode ? 'sets' : 'does not set'} ELECTRON_RUN_AS_NODE for the drill's runtime`, () => {
      const run = join(dir, runAsNode ? 'electron' : 'node');
      // Stand-ins for the two programs the drill step starts around: a dump, and the runtime that runs the CLI.
      const pgDump = join(run, 'pg_dump');
      const node = join(run, 'code');
      spawnSync('mkdir', ['-p', join(run, 'backups')]);
      writeFileSync(pgDump, '#!/bin/sh\nfor a; do case $a in --file=*) echo dump >"${a#--file=}";; esac; done\n', {
        mode: 0o755,
      });
      writeFileSync(node, `#!/bin/sh\necho "\${ELECTRON_RUN_AS_NODE:-unset} $*" >'${join(run, 'ran')}'\n`, {
        mode: 0o755,
      });
      writeFileSync(join(run, 'cli.js'), '');
      const script = join(run, 'job.sh');
      writeFileSync(
        script,
        renderBackupScript({
          job: 'pg-backup-shop',
          database: 'shop',
          server: '/tmp:5432',
          conninfo: 'host=/tmp port=5432 dbname=shop',
          pgDump,
          pgDumpVersion: '15.18',
          pgDumpMajor: 15,
          options: { format: 'custom' },
          backupDir: join(run, 'backups'),
          keep: 2,
          generated: new Date(),
          verify: { when: 'every', node, cli: join(run, 'cli.js'), runAsNode, regenerate: 'schedule it again' },
        }),
        { mode: 0o755 },
      );
      const r = spawnSync(script, [], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const [env, ...args] = readFileSync(join(run, 'ran'), 'utf8').trim().split(' ');
      assert.equal(env, runAsNode ? '1' : 'unset');
      assert.deepEqual(args.slice(0, 2), [join(run, 'cli.js'), 'verify']);
    });
  }
});
