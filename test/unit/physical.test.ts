import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgBackupError } from '../../src/core/errors';
import { backupHistoryFileName, parseBackupLabel } from '../../src/core/physical/backup-label';
import { readBaseBackup } from '../../src/core/physical/base-backup-info';
import { baseBackupArgv, compressionArg } from '../../src/core/physical/basebackup-argv';
import { classifyBaseBackupFailure } from '../../src/core/physical/basebackup-failure';
import { parseBaseBackupProgress } from '../../src/core/physical/basebackup-progress';
import { parseManifest } from '../../src/core/physical/manifest';
import { findGaps, scanWalArchive } from '../../src/core/physical/wal-archive';
import { parseSegmentName, segmentName } from '../../src/core/physical/wal-names';
import { lastCommitIn, walEndIn } from '../../src/core/physical/waldump';
import { parseControlDataSegmentSize } from '../../src/core/physical/wal-window';

const LABEL = `START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
CHECKPOINT LOCATION: 0/2000060
BACKUP METHOD: streamed
BACKUP FROM: primary
START TIME: 2026-11-25 14:59:03 UTC
LABEL: nightly: it's here
START TIMELINE: 1
`;

describe('pg_basebackup argv', () => {
  const target = { dir: '/b/x', conninfo: 'host=h port=5 user=u dbname=postgres', toolMajor: 15 };

  it('streams WAL, reports progress and passes the connection password-free', () => {
    const args = baseBackupArgv({ format: 'plain', label: 'nightly' }, target);
    assert.deepEqual(args, [
      '--dbname=host=h port=5 user=u dbname=postgres',
      '--pgdata=/b/x',
      '--format=p',
      '--wal-method=stream',
      '--checkpoint=fast',
      '--progress',
      '--no-password',
      '--label=nightly',
    ]);
    assert.ok(
      baseBackupArgv(
        { format: 'tar', checkpoint: 'spread', manifest: false, compress: 'zstd:level=3' },
        target,
      ).includes('--no-manifest'),
    );
    assert.ok(baseBackupArgv({ format: 'tar', checkpoint: 'spread' }, target).includes('--checkpoint=spread'));
  });

  it('builds compression per tool major and refuses what pg_basebackup refuses', () => {
    assert.equal(compressionArg('gzip:9', 'tar', 15), 'gzip:9');
    assert.equal(compressionArg('5', 'tar', 15), 'gzip:5');
    assert.equal(compressionArg('server-lz4', 'plain', 16), 'server-lz4');
    assert.equal(compressionArg('none', 'plain', 15), undefined);
    assert.throws(() => compressionArg('gzip', 'plain', 15), /server-gzip/);
    assert.throws(() => compressionArg('brotli', 'tar', 15), /Unknown compression/);
    assert.equal(compressionArg('gzip:9', 'tar', 14), '9');
    assert.equal(compressionArg('gzip', 'tar', 12), '6');
    assert.throws(() => compressionArg('zstd', 'tar', 14), /gzip only/);
    assert.throws(() => compressionArg('gzip', 'plain', 14), /only the tar format/);
  });

  it('reads percent from -P lines and never says 100 % before the end', () => {
    assert.deepEqual(parseBaseBackupProgress('12345/67890 kB (18%), 0/1 tablespace'), {
      doneKb: 12345,
      totalKb: 67890,
      percent: 18,
      tablespacesDone: 0,
      tablespaces: 1,
    });
    assert.equal(parseBaseBackupProgress('30500/30444 kB (100%), 1/1 tablespace')?.percent, 99);
    assert.equal(parseBaseBackupProgress('  100/200 kB (50%), 1/2 tablespaces (/data/base/1/2619)')?.tablespaces, 2);
    assert.equal(parseBaseBackupProgress('pg_basebackup: checkpoint completed'), undefined);
  });

  it('explains a missing REPLICATION privilege and full WAL senders', () => {
    const fail = (detail: string) =>
      classifyBaseBackupFailure(new PgBackupError('pg_basebackup failed', 'tool-failed', { detail }), 'app');
    const repl = fail(
      'pg_basebackup: error: connection to server failed: FATAL:  must be superuser or replication role to start walsender',
    );
    assert.equal(repl.message, 'Role "app" may not take base backups: it lacks the REPLICATION privilege.');
    assert.match(repl.hint!, /ALTER ROLE "app" REPLICATION/);
    assert.match(
      fail(
        'FATAL:  permission denied to start WAL sender\nDETAIL:  Only roles with the REPLICATION attribute may start a WAL sender process.',
      ).message,
      /REPLICATION privilege/,
    );
    assert.equal(
      fail('FATAL:  number of requested standby connections exceeds max_wal_senders (currently 4)').message,
      'All 4 WAL senders of the server are in use (max_wal_senders = 4).',
    );
    assert.match(fail('exceeds max_wal_senders (currently 0)').message, /allows no WAL senders/);
    assert.equal(fail('something else').message, 'pg_basebackup failed');
  });

  it('names the cause of a failure first, never the cleanup pg_basebackup does after it', () => {
    const first = 'pg_basebackup failed: removing data directory "/b"';
    const raw = (detail: string) => new PgBackupError(first, 'tool-failed', { detail });
    const fail = (detail: string) => classifyBaseBackupFailure(raw(detail), 'app');
    const lost = fail(
      [
        'pg_basebackup: error: background process terminated unexpectedly',
        'pg_basebackup: error: could not receive data from WAL stream: server closed the connection unexpectedly',
        'pg_basebackup: removing data directory "/b"',
      ].join('\n'),
    );
    const cause = 'could not receive data from WAL stream: server closed the connection unexpectedly';
    assert.equal(lost.message, `The connection to the server was lost during the base backup: ${cause}`);
    assert.equal(lost.kind, 'unreachable');
    const other = fail(
      'pg_basebackup: error: could not create directory "/b/x": Permission denied\n' +
        'pg_basebackup: removing contents of data directory "/b"',
    );
    assert.equal(other.message, 'pg_basebackup failed: could not create directory "/b/x": Permission denied');
  });
});

describe('base backup readers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgb-phys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads backup_label fields and the backup history file name', () => {
    const l = parseBackupLabel(LABEL);
    assert.equal(l.startLsn, '0/2000028');
    assert.equal(l.startWalFile, '000000010000000000000002');
    assert.equal(l.checkpointLsn, '0/2000060');
    assert.equal(l.method, 'streamed');
    assert.equal(l.startTime, '2026-11-25T14:59:03.000Z');
    assert.equal(l.label, "nightly: it's here");
    assert.equal(l.startTimeline, 1);
    assert.equal(
      backupHistoryFileName(l.startWalFile!, l.startLsn!, 16 << 20),
      '000000010000000000000002.00000028.backup',
    );
    const h = parseBackupLabel(
      LABEL.replace('CHECKPOINT', 'STOP WAL LOCATION: 0/2000100 (file 000000010000000000000002)\nCHECKPOINT') +
        'STOP TIME: 2026-11-25 16:00:01 CET\nSTOP TIMELINE: 1\n',
    );
    assert.equal(h.stopLsn, '0/2000100');
    assert.equal(h.stopTime, '2026-11-25T15:00:01.000Z');
  });

  it('reads backup_manifest and refuses other JSON', () => {
    const m = parseManifest(
      JSON.stringify({
        'PostgreSQL-Backup-Manifest-Version': 1,
        Files: [
          { Path: 'PG_VERSION', Size: 3 },
          { Path: 'x', Size: 10 },
        ],
        'WAL-Ranges': [{ Timeline: 1, 'Start-LSN': '0/2000028', 'End-LSN': '0/2000100' }],
      }),
    );
    assert.deepEqual(m, {
      version: 1,
      fileCount: 2,
      totalBytes: 13,
      walRanges: [{ timeline: 1, startLsn: '0/2000028', endLsn: '0/2000100' }],
    });
    assert.throws(() => parseManifest('{"a":1}'), /not a PostgreSQL backup manifest/);
    assert.throws(() => parseManifest('{'), /not valid JSON/);
  });

  it('reads backup_label and PG_VERSION from inside a gzip tar backup', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'global'), { recursive: true });
    writeFileSync(join(src, 'backup_label'), LABEL);
    writeFileSync(join(src, 'PG_VERSION'), '15\n');
    writeFileSync(join(src, 'global', 'pg_control'), Buffer.alloc(8192, 1));
    mkdirSync(join(dir, 'bk'));
    execFileSync('tar', ['-czf', join(dir, 'bk', 'base.tar.gz'), '-C', src, 'global', 'backup_label', 'PG_VERSION']);
    writeFileSync(join(dir, 'bk', 'pg_wal.tar'), '');
    const info = await readBaseBackup(join(dir, 'bk'));
    assert.equal(info.format, 'tar');
    assert.equal(info.serverMajor, 15);
    assert.equal(info.label?.label, "nightly: it's here");
    assert.deepEqual(info.tarFiles, { base: 'base.tar.gz', wal: 'pg_wal.tar' });
  });

  it('refuses a folder that is not a base backup', async () => {
    await assert.rejects(readBaseBackup(dir), /not a base backup/);
  });
});

describe('WAL archive scan', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgb-arch-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const SEG = 16 << 20;

  it('names segments across the 0xFF boundary', () => {
    assert.equal(segmentName(1, 0x1ff, SEG), '0000000100000001000000FF');
    assert.equal(parseSegmentName('000000020000000100000000', SEG)?.segNo, 0x100);
    assert.equal(parseSegmentName('000000010000000000000100', SEG), undefined);
  });

  it('lists segments, compressed and partial ones, history and backup files, and finds gaps', async () => {
    const touch = (n: string) => writeFileSync(join(dir, n), '');
    for (let i = 1; i <= 9; i++) if (i !== 5 && i !== 6) touch(segmentName(1, i, SEG) + (i === 3 ? '.gz' : ''));
    touch('000000010000000000000009.partial');
    touch('00000002.history');
    touch(segmentName(2, 9, SEG) + '.zst');
    touch(segmentName(2, 10, SEG));
    touch('000000010000000000000002.00000028.backup');
    touch('README');
    const a = await scanWalArchive(dir, SEG);
    assert.equal(a.segments.length, 9);
    assert.equal(a.segments.find((s) => s.segNo === 3)?.compression, 'gz');
    assert.equal(a.partials.length, 1);
    assert.deepEqual(a.historyTimelines, [2]);
    assert.deepEqual(a.backupFiles, ['000000010000000000000002.00000028.backup']);
    assert.deepEqual(
      a.timelines.map((t) => [t.timeline, t.first, t.last, t.count]),
      [
        [1, '000000010000000000000001', '000000010000000000000009', 7],
        [2, '000000020000000000000009', '00000002000000000000000A', 2],
      ],
    );
    assert.deepEqual(findGaps(a, 2), [
      {
        timeline: 1,
        first: '000000010000000000000005',
        last: '000000010000000000000006',
        count: 2,
        startLsn: '0/5000000',
      },
    ]);
    assert.deepEqual(findGaps(a, 2, 7), []);
  });

  it('reads wal_segment_size from pg_controldata output', () => {
    assert.equal(
      parseControlDataSegmentSize(
        'Maximum data alignment:               8\nBytes per WAL segment:                67108864\n',
      ),
      64 << 20,
    );
    assert.equal(parseControlDataSegmentSize('Bytes per WAL segment:                12345\n'), undefined);
  });

  it('learns the segment size from an archived segment', async () => {
    execFileSync('truncate', ['-s', String(64 << 20), join(dir, '000000010000000000000002')]);
    const a = await scanWalArchive(dir);
    assert.equal(a.segmentSize, 64 << 20);
  });
});

describe('pg_waldump summary', () => {
  it('finds the last commit, skipping aborts', () => {
    const c = lastCommitIn([
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        735, lsn: 0/03000DC8, prev 0/03000D30, desc: COMMIT 2026-11-25 15:01:02.123456 UTC; inval msgs: catcache 55 catcache 54',
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        736, lsn: 0/03000DF0, prev 0/03000DC8, desc: ABORT 2026-11-25 15:01:03.000000 UTC',
    ]);
    assert.deepEqual(c, { lsn: '0/03000DC8', xid: 735, time: '2026-11-25T15:01:02.123Z' });
    assert.equal(lastCommitIn([]), undefined);
  });

  it('reads the end of WAL from the final error', () => {
    assert.equal(
      walEndIn(
        'pg_waldump: error: error in WAL record at 28/29324D0: invalid record length at 28/2932508: expected at least 24, got 0',
      ),
      '28/2932508',
    );
    assert.equal(
      walEndIn('pg_waldump: error: error in WAL record at 0/3000028: invalid magic number 0000'),
      '0/3000028',
    );
  });
});
