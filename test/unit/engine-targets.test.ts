/**
 * Where an engine restore stops, without the engines: just before the target (pgBackRest --target-exclusive,
 * barman recover --exclusive, WAL-G's recovery_target_inclusive = off through the same renderer) for the targets
 * that take it; the CLI's --target and --exclusive (one parser for pitr config, repo restore and verify <repo>);
 * and Barman's backup progress from the bytes in the folder pg_basebackup writes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pitrConfigCommand } from '../../src/cli/commands/pitr-config';
import { repoRestoreCommand } from '../../src/cli/commands/repo-restore';
import { verifyCommand } from '../../src/cli/commands/verify';
import { parseFlags, type FlagSpecs } from '../../src/cli/flags';
import { EXCLUSIVE_FLAG, inclusiveFlag, TARGET_FLAG, targetFlag } from '../../src/cli/target-flag';
import { barmanBackupProgress, copyStartId } from '../../src/core/engines/barman/progress';
import { barmanRecoverArgv } from '../../src/core/engines/barman/recover';
import { pgbackrestRestoreArgv } from '../../src/core/engines/pgbackrest/restore';
import type { RepoRestoreRequest } from '../../src/core/engines/types';
import { PgBackupError } from '../../src/core/errors';
import { describeTarget, type RecoveryTarget } from '../../src/core/pitr/model';
import { captureIo } from '../support/io';

const KINDS: RecoveryTarget[] = [
  { kind: 'time', value: '2026-12-02 03:30:00+00' },
  { kind: 'xid', value: '742' },
  { kind: 'lsn', value: '0/5000000' },
  { kind: 'name', value: 'before drop' },
  { kind: 'immediate' },
  { kind: 'latest' },
];
const takes = (t: RecoveryTarget) => ['time', 'xid', 'lsn'].includes(t.kind);

describe('engine restores: inclusive or exclusive', () => {
  const pgbr: RepoRestoreRequest['repo'] = { engine: 'pgbackrest', name: 'demo', config: '/etc/pgb/pgbackrest.conf' };
  const barman: RepoRestoreRequest['repo'] = { engine: 'barman', name: 'pg', config: '/c/barman.conf' };

  it('pgBackRest gets --target-exclusive after the target for time, xid and lsn, and only when asked', () => {
    for (const target of KINDS) {
      const exclusive = pgbackrestRestoreArgv({ repo: pgbr, to: '/r', target, inclusive: false });
      assert.equal(exclusive.includes('--target-exclusive'), takes(target), JSON.stringify(target));
      if (takes(target))
        assert.equal(exclusive[exclusive.indexOf('--target-exclusive') - 1], `--target=${target.value}`);
      for (const inclusive of [true, undefined])
        assert.ok(!pgbackrestRestoreArgv({ repo: pgbr, to: '/r', target, inclusive }).includes('--target-exclusive'));
    }
    assert.equal(
      pgbackrestRestoreArgv({ repo: pgbr, to: '/r', target: KINDS[1], inclusive: false, action: 'pause' }).join(' '),
      'pgbackrest --config=/etc/pgb/pgbackrest.conf --stanza=demo --type=xid --target=742 --target-exclusive --target-action=pause --pg1-path=/r restore',
    );
  });

  it('barman recover gets --exclusive after the target for time, xid and lsn, and only when asked', () => {
    for (const target of KINDS) {
      const argv = barmanRecoverArgv({ repo: barman, to: '/r', target, inclusive: false });
      assert.equal(argv.includes('--exclusive'), takes(target), JSON.stringify(target));
      assert.ok(!barmanRecoverArgv({ repo: barman, to: '/r', target }).includes('--exclusive'));
    }
    assert.equal(
      barmanRecoverArgv({ repo: barman, to: '/r', target: KINDS[0], inclusive: false, label: '20261202T032402' }).join(
        ' ',
      ),
      'barman -c /c/barman.conf recover --target-time 2026-12-02 03:30:00+00 --exclusive --target-action promote pg 20261202T032402 /r',
    );
  });

  it('reports name the target and say when it is exclusive', () => {
    assert.equal(describeTarget(KINDS[1], false), 'xid 742 (exclusive)');
    assert.equal(describeTarget(KINDS[0]), 'time 2026-12-02 03:30:00+00');
    assert.equal(describeTarget({ kind: 'immediate' }, false), 'immediate');
  });
});

describe('--target and --exclusive (pitr config, repo restore, verify <repo>)', () => {
  const specs: FlagSpecs = { target: TARGET_FLAG, exclusive: EXCLUSIVE_FLAG };
  const parse = (...args: string[]) => parseFlags(specs, args);
  const usage = (f: () => unknown, message: RegExp) =>
    assert.throws(f, (e: PgBackupError) => e instanceof PgBackupError && e.kind === 'usage' && message.test(e.message));

  it('parses every target kind, and --exclusive for those that take it', () => {
    assert.deepEqual(targetFlag(parse('--target', 'time:2026-12-02 10:00:00+01')), {
      kind: 'time',
      value: '2026-12-02 10:00:00+01',
    });
    assert.deepEqual(targetFlag(parse('--target=lsn:0/5000000')), { kind: 'lsn', value: '0/5000000' });
    assert.deepEqual(targetFlag(parse('--target', 'latest')), { kind: 'latest' });
    assert.equal(targetFlag(parse()), undefined);
    assert.equal(inclusiveFlag(parse('--target', 'xid:9'), { kind: 'xid', value: '9' }), true);
    assert.equal(inclusiveFlag(parse('--exclusive'), { kind: 'xid', value: '9' }), false);
  });

  it('refuses a target that is none, and --exclusive where recovery stops at a point either way', () => {
    usage(
      () => targetFlag(parse('--target', 'yesterday')),
      /^--target must be time:TS \| xid:N .*, not "yesterday"\.$/,
    );
    usage(() => inclusiveFlag(parse('--exclusive'), { kind: 'immediate' }), /^--exclusive is for a time, xid or lsn/);
    usage(() => inclusiveFlag(parse('--exclusive'), { kind: 'name', value: 'x' }), /not "name"/);
  });

  it('the three commands share the flags, help text included, and refuse bad ones before running anything', async () => {
    for (const c of [pitrConfigCommand, repoRestoreCommand]) {
      assert.deepEqual(c.flags?.target, TARGET_FLAG, c.name);
      assert.deepEqual(c.flags?.exclusive, EXCLUSIVE_FLAG, c.name);
    }
    assert.equal(verifyCommand.flags?.target?.value, TARGET_FLAG.value);
    const refused = async (run: Promise<number>, message: RegExp) =>
      assert.rejects(run, (e: PgBackupError) => e.kind === 'usage' && message.test(e.message));
    const io = captureIo();
    await refused(verifyCommand.run(['pgbackrest:demo', '--target', 'soon'], io), /^--target must be time:TS/);
    await refused(
      verifyCommand.run(['pgbackrest:demo', '--target', 'immediate', '--exclusive'], io),
      /^--exclusive is for a time, xid or lsn target, not "immediate"/,
    );
    await refused(verifyCommand.run(['shop.dump', '--target', 'latest'], io), /^--target is for a repository/);
    await refused(verifyCommand.run(['shop.dump', '--exclusive'], io), /^--exclusive is for a repository/);
    await refused(
      repoRestoreCommand.run(['pgbackrest:demo', '--to', '/tmp/x', '--target', 'name:x', '--exclusive'], io),
      /not "name"/,
    );
    assert.deepEqual(io.stdout, []);
  });
});

describe('Barman backup progress', () => {
  it('names the backup from the copy line', () => {
    assert.equal(copyStartId('Starting backup copy via pg_basebackup for 20261202T032402'), '20261202T032402');
    assert.equal(copyStartId('Starting backup using postgres method for server pg in /x'), undefined);
  });

  it('polls the bytes in <basebackups_directory>/<id>/data against the database size, below 1, only growing', async () => {
    const base = mkdtempSync(join(tmpdir(), 'pgb-barman-progress-'));
    const seen: { fraction: number | undefined; message: string }[] = [];
    let waiting: { until: (f: number) => boolean; resolve: () => void } | undefined;
    const reached = (until: (f: number) => boolean) => new Promise<void>((resolve) => (waiting = { until, resolve }));
    const progress = barmanBackupProgress({
      server: 'pg',
      basebackupsDirectory: base,
      databaseBytes: 12 * 1024 * 1024,
      everyMs: 10,
      onProgress: (fraction, message) => {
        seen.push({ fraction, message });
        if (fraction !== undefined && waiting?.until(fraction)) waiting.resolve();
      },
    });
    try {
      const data = join(base, '20261202T032402', 'data');
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'a'), Buffer.alloc(3 * 1024 * 1024));
      progress.line('Backup start at LSN: 0/2000028');
      const quarter = reached((f) => f === 0.25);
      progress.line('Starting backup copy via pg_basebackup for 20261202T032402');
      await quarter;
      assert.deepEqual(seen[0], { fraction: 0.25, message: 'Barman is backing up "pg": 3.0 MB of 12 MB (25%)' });
      const capped = reached((f) => f === 0.99);
      writeFileSync(join(data, 'b'), Buffer.alloc(20 * 1024 * 1024));
      await capped;
      assert.ok(
        seen.every((s, i) => i === 0 || s.fraction! > seen[i - 1].fraction!),
        JSON.stringify(seen),
      );
    } finally {
      progress.stop();
      rmSync(base, { recursive: true, force: true });
    }
  });
});
