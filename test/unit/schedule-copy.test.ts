import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PgBackupError } from '../../src/core/errors';
import { renderBackupScript, type BackupScriptInput } from '../../src/core/schedule/script';
import { statusExitCode } from '../../src/cli/commands/status';
import { main } from '../../src/cli/main';
import { captureIo } from '../support/io';
import type { StatusReport } from '../../src/core/status/read-status';
import type { DatabaseStatus } from '../../src/core/status/compute';

const input: BackupScriptInput = {
  job: 'pg-backup-shop',
  database: 'shop',
  server: '/tmp:5432',
  conninfo: 'host=/tmp port=5432 dbname=shop',
  pgDump: '/usr/lib/postgresql/15/bin/pg_dump',
  pgDumpVersion: '15.18',
  pgDumpMajor: 15,
  options: { format: 'custom' },
  backupDir: '/var/backups/pg',
  keep: 7,
  generated: new Date('2026-11-25T12:00:00Z'),
};
const copy = {
  to: "s3://bucket/it's here",
  flags: ['--endpoint', 'http://127.0.0.1:9000', '--path-style'],
  node: '/usr/bin/node',
  cli: '/opt/pg backup/cli.js',
  regenerate: 'pg-backup schedule shop',
};

describe('schedule --copy-to: the generated script', () => {
  it('parses, quotes the destination and flags, and copies after the drill, before local retention', () => {
    const script = renderBackupScript({ ...input, copy: { ...copy, keep: 2 } });
    assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0, 'bash -n accepts the script');
    assert.match(script, /^COPY_TO=\$\{PGBACKUP_COPY_TO:-'s3:\/\/bucket\/it'\\''s here'\}$/m);
    assert.match(script, /^COPY_FLAGS=\('--endpoint' 'http:\/\/127\.0\.0\.1:9000' '--path-style'\)$/m);
    assert.match(script, /^COPY_KEEP=2$/m);
    assert.match(script, /^PGBACKUP_CLI='\/opt\/pg backup\/cli\.js'$/m, 'the CLI is named even without --verify');
    const at = (re: RegExp) => script.search(re);
    assert.ok(at(/^step='the off-site copy'$/m) > at(/^step='writing the sidecar'$/m));
    assert.ok(at(/copy --verify-only "\$file" "\$COPY_TO"/) > at(/^step='the off-site copy'$/m), 'read back after');
    assert.ok(at(/prune "\$COPY_TO" --keep "\$COPY_KEEP"/) > at(/copy --verify-only/));
    assert.ok(at(/^step='retention'$/m) > at(/prune "\$COPY_TO"/), 'local retention only after the copy');
    assert.doesNotMatch(script, /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/);
  });

  it('without --copy-keep there is no prune; without --copy-to no copy step', () => {
    assert.match(renderBackupScript({ ...input, copy }), /^COPY_KEEP=$/m);
    const plain = renderBackupScript(input);
    assert.doesNotMatch(plain, /^COPY_TO=|^PGBACKUP_CLI=|copy --verify-only/m);
  });

  it('refuses a --copy-keep that is not a whole number of at least 1', () => {
    assert.throws(
      () => renderBackupScript({ ...input, copy: { ...copy, keep: 0 } }),
      (e: unknown) => e instanceof PgBackupError && e.kind === 'usage' && /--copy-keep must be/.test(e.message),
    );
  });
});

describe('status --require-offsite: the exit code', () => {
  const row = (offsite: Partial<DatabaseStatus['offsite']>): DatabaseStatus =>
    ({
      database: 'shop',
      backups: 1,
      rejected: 0,
      rpo: { verdict: 'green', basis: 'newest good backup' },
      rto: { verdict: 'unset', basis: 'newest successful drill' },
      offsite: { verdict: 'unset', basis: 'newest verified off-site copy', ...offsite },
    }) as DatabaseStatus;
  const report = (rows: DatabaseStatus[]): StatusReport => ({
    at: '',
    rows,
    servers: [],
    problems: [],
    worst: 'green',
  });
  const copied = { copy: { backup: '/b/x', created: '', destination: 'd', location: 'l', copiedAt: '' } };

  it('an off-site copy only matters when it is required', () => {
    const none = report([row({ note: 'no off-site copy' })]);
    assert.equal(statusExitCode(none), 0);
    assert.equal(statusExitCode(none, true), 1);
    const verified = { ...copied, copy: { ...copied.copy, verified: { by: 'read-back' as const, at: '' } } };
    assert.equal(statusExitCode(report([row({ ...verified, verdict: 'green', valueMs: 1 })]), true), 0);
    assert.equal(statusExitCode(report([row({ ...verified, verdict: 'red', valueMs: 9 })]), true), 1);
  });
});

describe('schedule --copy-to: bad input (exit 2, one line, before any server is asked)', () => {
  const base = [
    'schedule',
    'postgresql://nobody@127.0.0.1:1/shop',
    '--every',
    'daily',
    '--keep',
    '2',
    '--out',
    '/tmp/x',
  ];
  const cases: [string[], RegExp][] = [
    [['--copy-keep', '3'], /^pg-backup schedule: --copy-keep goes with --copy-to DEST\.$/],
    [['--endpoint', 'http://h:9000'], /^pg-backup schedule: --endpoint goes with --copy-to DEST\.$/],
    [
      ['--copy-to', '/tmp/elsewhere', '--path-style'],
      /^pg-backup schedule: --path-style goes with an s3:\/\/ destination\.$/,
    ],
    [['--copy-to', '/tmp/x'], /^pg-backup schedule: --copy-to must name another folder than --out/],
    [
      ['--copy-to', 's3://Bad_Bucket/p'],
      /^pg-backup schedule: "Bad_Bucket" in s3:\/\/Bad_Bucket\/p is not a bucket name/,
    ],
    [
      ['--copy-to', 's3://bucket1/p', '--endpoint', 'ftp://h'],
      /^pg-backup schedule: The endpoint "ftp:\/\/h" must start with http/,
    ],
  ];
  for (const [more, first] of cases) {
    it(more.join(' '), async () => {
      const io = captureIo();
      assert.equal(await main([...base, ...more], io), 2, io.stderr.join('\n'));
      assert.match(io.stderr[0], first);
    });
  }
});
