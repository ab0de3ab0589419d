/**
 * WAL-G without WAL-G (no binary can be had on these machines): its environment file, its restore commands, and
 * `wal-g backup-list --json --detail` read from a fixture written in WAL-G's documented output format
 * (test/fixtures/walg/; the fields of its ExtendedMetadataDto and BackupTime). The engine's calls that need the
 * binary are tested where it is present, and otherwise skipped with that reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../../src/core/engines/find-binary';
import { deltaOrigin, parseWalgBackupList } from '../../src/core/engines/walg/backup-list';
import {
  parseWalgEnvFile,
  renderWalgEnvFile,
  walgEnv,
  walgFetchArgv,
  WALG_SECRET_VARIABLES,
} from '../../src/core/engines/walg/config';
import { parseWalgVersion, walgEngine, walgObsolete } from '../../src/core/engines/walg/engine';
import { restoreCommand } from '../../src/core/pitr/commands';
import { PgBackupError } from '../../src/core/errors';

const fixture = readFileSync(join(__dirname, '..', 'fixtures', 'walg', 'backup-list-detail.json'), 'utf8');

describe('WAL-G backup-list --json --detail', () => {
  const l = parseWalgBackupList(fixture);

  it('reads each backup with its delta chain, times, LSNs and sizes', () => {
    assert.deepEqual(
      l.backups.map((b) => [b.label, b.type, b.references]),
      [
        ['base_000000010000000000000004', 'full', []],
        ['base_000000010000000000000007_D_000000010000000000000004', 'diff', ['base_000000010000000000000004']],
        [
          'base_000000010000000000000009_D_000000010000000000000007',
          'incr',
          ['base_000000010000000000000007_D_000000010000000000000004', 'base_000000010000000000000004'],
        ],
      ],
    );
    const full = l.backups[0];
    assert.equal(full.startedAt, '2026-11-30T02:00:01.912Z');
    assert.equal(full.stoppedAt, '2026-11-30T02:00:06.734Z');
    assert.equal(full.startLsn, '0/4000028');
    assert.equal(full.stopLsn, '0/4000128');
    assert.equal(full.walStart, '000000010000000000000004');
    assert.equal(full.timeline, 1);
    assert.equal(full.databaseBytes, 23171225);
    assert.equal(full.repositoryBytes, 3290112);
    assert.equal(full.pgVersion, '15');
  });

  it('keeps every digit of the 64-bit system identifier', () => {
    assert.equal(l.systemId, '7714542181648172073');
    assert.equal(l.pgVersion, '15');
  });

  it('reads an empty repository and refuses output that is not a list', () => {
    assert.deepEqual(parseWalgBackupList('').backups, []);
    assert.deepEqual(parseWalgBackupList('null\n').backups, []);
    assert.throws(
      () => parseWalgBackupList('INFO: 2026/12/02 No backups found'),
      (e: PgBackupError) => e.kind === 'tool-failed' && /not JSON/.test(e.message),
    );
    assert.throws(() => parseWalgBackupList('{"a": 1}'), /not a list of backups/);
  });

  it('finds the delta origin in the name', () => {
    assert.equal(deltaOrigin('base_000000010000000000000009_D_000000010000000000000007'), '000000010000000000000007');
    assert.equal(deltaOrigin('base_000000010000000000000004'), undefined);
  });

  it('names what retention removes: fulls older than the newest N and the deltas on them', () => {
    const b = parseWalgBackupList(fixture).backups;
    const newer = { ...b[0], label: 'base_00000001000000000000000C', startedAt: '2026-12-03T02:00:00.000Z' };
    assert.deepEqual(
      walgObsolete([...b, newer], 1),
      b.map((x) => x.label),
    );
    assert.deepEqual(walgObsolete([...b, newer], 2), []);
    assert.deepEqual(walgObsolete(b, 1), []);
  });
});

describe('WAL-G configuration', () => {
  it('writes an S3-compatible store with compression and no secret', () => {
    const env = walgEnv({
      storage: { kind: 's3', prefix: 's3://backups/pg/app', endpoint: 'https://127.0.0.1:9000' },
      compression: 'zstd',
      pgHost: '/var/run/postgresql',
      pgPort: 5432,
      pgUser: 'postgres',
      deltaMaxSteps: 6,
      retainFull: 2,
    });
    assert.deepEqual(env, {
      WALG_S3_PREFIX: 's3://backups/pg/app',
      AWS_ENDPOINT: 'https://127.0.0.1:9000',
      AWS_REGION: 'us-east-1',
      AWS_S3_FORCE_PATH_STYLE: 'true',
      WALG_COMPRESSION_METHOD: 'zstd',
      PGHOST: '/var/run/postgresql',
      PGPORT: '5432',
      PGUSER: 'postgres',
      WALG_DELTA_MAX_STEPS: '6',
      PGBACKUP_WALG_RETAIN_FULL: '2',
    });
    const file = renderWalgEnvFile(env);
    for (const secret of WALG_SECRET_VARIABLES) assert.doesNotMatch(file, new RegExp(`^${secret}=`, 'm'));
    assert.deepEqual(parseWalgEnvFile(file), env);
  });

  it('writes a folder store and quotes what needs it', () => {
    const env = walgEnv({ storage: { kind: 'file', dir: "/srv/wal g/it's" } });
    assert.deepEqual(env, { WALG_FILE_PREFIX: "/srv/wal g/it's", WALG_COMPRESSION_METHOD: 'lz4' });
    const file = renderWalgEnvFile(env);
    assert.match(file, /^WALG_FILE_PREFIX='\/srv\/wal g\/it'\\''s'$/m);
    assert.equal(parseWalgEnvFile(file).WALG_FILE_PREFIX, "/srv/wal g/it's");
    assert.deepEqual(parseWalgEnvFile('export A="x \\"y\\""\n# c\nB=2\n'), { A: 'x "y"', B: '2' });
  });

  it('refuses secrets in the file and bad values', () => {
    assert.throws(
      () => renderWalgEnvFile({ AWS_SECRET_ACCESS_KEY: 'k' }),
      (e: PgBackupError) => e.kind === 'usage' && /never written to a file/.test(e.message),
    );
    assert.throws(() => walgEnv({ storage: { kind: 's3', prefix: 'bucket/x' } }), /not an S3 prefix/);
    assert.throws(() => walgEnv({ storage: { kind: 's3', prefix: 's3://bk1/x', endpoint: 'ftp:x' } }), /endpoint/);
    assert.throws(() => walgEnv({ storage: { kind: 'file', dir: 'rel' } }), /absolute path/);
    assert.throws(() => walgEnv({ storage: { kind: 'file', dir: '/x' }, retainFull: 0 }), /≥ 1/);
  });

  it('restores with backup-fetch and fetches WAL with wal-fetch', () => {
    assert.deepEqual(walgFetchArgv('/restore/here'), ['wal-g', 'backup-fetch', '/restore/here', 'LATEST']);
    const repo = { engine: 'walg' as const, name: 'app', config: '/etc/wal-g.env' };
    assert.deepEqual(walgEngine.restoreArgv({ repo, to: '/r', target: { kind: 'latest' }, label: 'base_X' }), [
      'wal-g',
      'backup-fetch',
      '/r',
      'base_X',
    ]);
    assert.equal(restoreCommand({ kind: 'walg' }), 'wal-g wal-fetch %f %p');
    assert.equal(parseWalgVersion('wal-g version v3.0.3\t3f88f3c\t2024.08.08_17:53:40\tPostgreSQL'), '3.0.3');
  });
});

describe('WAL-G engine against the binary', () => {
  let walg: string | undefined;
  before(async function () {
    walg = await findOnPath('wal-g');
    // No wal-g binary can be installed on these machines (no Debian package, no downloads).
    if (!walg) this.skip();
  });

  it('discovers wal-g and its version', async () => {
    const d = await walgEngine.discover();
    assert.equal(d?.path, walg);
    assert.match(d?.version ?? '', /^\d+\.\d+/);
  });
});

describe('WAL-G engine without the binary', () => {
  before(async function () {
    if (await findOnPath('wal-g')) this.skip();
  });

  it('says wal-g is missing instead of failing obscurely', async () => {
    assert.equal(await walgEngine.discover(), undefined);
    await assert.rejects(
      walgEngine.info({ engine: 'walg', name: 'app', config: '/nonexistent.env' }),
      (e: PgBackupError) => e.kind === 'tool-missing' && /no wal-g on PATH/.test(e.message),
    );
  });
});
