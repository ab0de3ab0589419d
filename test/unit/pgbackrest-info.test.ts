/**
 * The pgBackRest readers against output recorded from pgBackRest 2.45 (test/fixtures/pgbackrest/): info JSON with
 * full, incremental and differential backups, a missing stanza, the console lines progress and labels come from,
 * and the pure parts around them (restore argv, restore plan, generated configuration, repo specs).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileFraction } from '../../src/core/engines/pgbackrest/progress';
import { newBackupLabel } from '../../src/core/engines/pgbackrest/backup';
import { pgbackrestSetup } from '../../src/core/engines/pgbackrest/config';
import { parseInfoJson } from '../../src/core/engines/pgbackrest/info-json';
import { expiredLabels } from '../../src/core/engines/pgbackrest/maintenance';
import { pgbackrestRestoreArgv } from '../../src/core/engines/pgbackrest/restore';
import { engineError } from '../../src/core/engines/pgbackrest/run';
import { isRepoArgument, parseRepoSpec } from '../../src/core/engines/repo-spec';
import { archiveEndLsn, planRepoRestore } from '../../src/core/engines/restore-plan';
import type { RepoSpec } from '../../src/core/engines/types';
import { PgBackupError } from '../../src/core/errors';

const FIXTURES = join(__dirname, '..', 'fixtures', 'pgbackrest');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const repo: RepoSpec = { engine: 'pgbackrest', name: 'demo', config: '/etc/pgb/pgbackrest.conf' };

describe('pgBackRest info JSON (recorded from 2.45)', () => {
  const info = parseInfoJson(fixture('info-full-incr-diff.json'), repo, '2.45');

  it('reads every backup with its type, references, times, LSNs, WAL range and sizes', () => {
    assert.deepEqual(
      info.backups.map((b) => [b.label, b.type, b.references]),
      [
        ['20261202-032332F', 'full', []],
        ['20261202-032332F_20261202-032336I', 'incr', ['20261202-032332F']],
        ['20261202-032332F_20261202-032338D', 'diff', ['20261202-032332F']],
        ['20261202-032406F', 'full', []],
      ],
    );
    const [full, incr] = info.backups;
    assert.deepEqual(full, {
      label: '20261202-032332F',
      type: 'full',
      references: [],
      startedAt: '2026-12-02T03:23:32.000Z',
      stoppedAt: '2026-12-02T03:23:35.000Z',
      startLsn: '0/2000028',
      stopLsn: '0/3000050',
      walStart: '000000010000000000000002',
      timeline: 1,
      walStop: '000000010000000000000003',
      databaseBytes: 22992590,
      databaseDeltaBytes: 22992590,
      repositoryBytes: 3043460,
      repositoryTotalBytes: 3043460,
      pgVersion: '15',
    });
    assert.equal(incr.repositoryBytes, 167007);
    assert.equal(incr.repositoryTotalBytes, 3048709);
  });

  it('keeps the 64-bit system id exact, and reads the archive range and status', () => {
    assert.equal(info.systemId, '7714542108296663593');
    assert.deepEqual(info.archive, { min: '000000010000000000000002', max: '00000001000000000000001A', timeline: 1 });
    assert.deepEqual(info.status, { ok: true, message: 'ok' });
    assert.equal(info.pgVersion, '15');
    assert.equal(info.engineVersion, '2.45');
    assert.equal(info.backupRunning, false);
  });

  it("a missing stanza is an input error naming it, with pgBackRest's words", () => {
    assert.throws(
      () => parseInfoJson(fixture('info-missing-stanza.json'), { engine: 'pgbackrest', name: 'nope' }, '2.45'),
      (e: PgBackupError) => e.kind === 'input' && /no stanza "nope".*missing stanza path/.test(e.message),
    );
  });

  it('output that is not JSON is a tool failure, not a crash', () => {
    assert.throws(
      () => parseInfoJson('ERROR: [055]', repo, '2.45'),
      (e: PgBackupError) => e.kind === 'tool-failed',
    );
  });

  it('a stanza with no backups yet is fine', () => {
    const empty = JSON.stringify([
      { name: 'demo', status: { code: 2, message: 'no valid backups', lock: { backup: { held: true } } }, backup: [] },
    ]);
    const r = parseInfoJson(empty, repo, '2.45');
    assert.deepEqual(r.backups, []);
    assert.equal(r.status.ok, true);
    assert.equal(r.backupRunning, true);
  });
});

describe('pgBackRest console lines (recorded from 2.45)', () => {
  const lines = fixture('backup-detail.log').split('\n');

  it('progress comes from the file lines, in order, up to 100 %', () => {
    const fractions = lines.map(fileFraction).filter((f) => f !== undefined);
    assert.equal(fractions.length, 18);
    assert.ok(Math.abs(fractions[0] - 0.8988) < 1e-9);
    assert.equal(fractions.at(-1), 1);
    assert.ok(fractions.every((f, i) => !i || f >= fractions[i - 1]));
  });

  it('the new label comes from "new backup label"', () => {
    assert.equal(newBackupLabel(lines), '20261202-032406F');
  });

  it('expired labels come from the expire lines (a dry run with retention 1 of two full backups)', () => {
    const dry = fixture('expire-dry-run.log').split('\n');
    const labels = expiredLabels(dry);
    assert.equal(labels.length, 2);
    assert.match(labels[0], /^\d{8}-\d{6}F$/);
    assert.match(labels[1], new RegExp(`^${labels[0]}_\\d{8}-\\d{6}I$`));
  });

  it("an engine error carries pgBackRest's message and hint, the step and a kind", () => {
    const e = engineError(
      'backup',
      { engine: 'pgbackrest', name: 'nope' },
      ['ERROR: [037]: backup command requires option: pg1-path', '       HINT: does this stanza exist?'],
      'exit 37',
    );
    assert.equal(
      e.message,
      'pgBackRest backup failed: backup command requires option: pg1-path (does this stanza exist?)',
    );
    assert.equal(e.kind, 'input');
    const denied = engineError(
      'stanza-create',
      repo,
      ["ERROR: [047]: unable to create path '/srv/repo/archive': [13] Permission denied"],
      'exit 47',
    );
    assert.equal(denied.kind, 'io');
    assert.match(denied.hint ?? '', /must be able to write the repository/);
  });
});

describe('restore argv and plan', () => {
  const info = parseInfoJson(fixture('info-full-incr-diff.json'), repo, '2.45');

  it('maps each target kind to pgBackRest options', () => {
    const argv = (target: Parameters<typeof pgbackrestRestoreArgv>[0]['target'], action?: 'pause' | 'promote') =>
      pgbackrestRestoreArgv({ repo, to: '/r', target, ...(action ? { action } : {}) }).slice(3, -2);
    assert.deepEqual(argv({ kind: 'latest' }), ['--type=default']);
    assert.deepEqual(argv({ kind: 'immediate' }), ['--type=immediate', '--target-action=promote']);
    assert.deepEqual(argv({ kind: 'xid', value: '1234' }, 'pause'), [
      '--type=xid',
      '--target=1234',
      '--target-action=pause',
    ]);
    assert.deepEqual(argv({ kind: 'lsn', value: '0/5000100' }), [
      '--type=lsn',
      '--target=0/5000100',
      '--target-action=promote',
    ]);
    assert.deepEqual(argv({ kind: 'name', value: 'before upgrade' }), [
      '--type=name',
      '--target=before upgrade',
      '--target-action=promote',
    ]);
  });

  it('picks the newest backup that ended before a time or LSN target', () => {
    const t = (value: string) =>
      planRepoRestore(info, { repo, to: '/r', target: { kind: 'time', value } }).backup.label;
    assert.equal(t('2026-12-02 03:23:37+00'), '20261202-032332F_20261202-032336I');
    assert.equal(t('2026-12-02 03:24:00+00'), '20261202-032332F_20261202-032338D');
    assert.equal(t('2026-12-02 03:30:00+00'), '20261202-032406F');
    const l = planRepoRestore(info, { repo, to: '/r', target: { kind: 'lsn', value: '0/5000200' } });
    assert.equal(l.backup.label, '20261202-032332F_20261202-032336I');
  });

  it('refuses a target before the oldest backup ended, after the archived WAL, or in the future', () => {
    const refuse = (target: { kind: 'time' | 'lsn'; value: string }, re: RegExp) =>
      assert.throws(
        () => planRepoRestore(info, { repo, to: '/r', target }),
        (e: PgBackupError) => e.kind === 'input' && re.test(e.message),
      );
    refuse({ kind: 'time', value: '2026-12-02 03:23:34+00' }, /before the backup ended/);
    refuse({ kind: 'lsn', value: '0/1000000' }, /before the backup ended/);
    refuse({ kind: 'lsn', value: '0/FF000000' }, /after the end of the archived WAL/);
    refuse({ kind: 'time', value: '2999-01-01 00:00:00+00' }, /in the future/);
    assert.equal(archiveEndLsn(info), '0/1B000000');
  });

  it('a label the repository lacks is named with those it has', () => {
    assert.throws(
      () => planRepoRestore(info, { repo, to: '/r', target: { kind: 'immediate' }, label: 'x' }),
      /has no backup "x": it has 20261202-032332F, /,
    );
  });
});

describe('pgBackRest configuration generator', () => {
  it('a local repository: retention, paths, the stanza, archive_command with --config, the commands', () => {
    const s = pgbackrestSetup({
      stanza: 'shop',
      pg: { dataDir: '/var/lib/postgresql/15/main', port: 5433 },
      repository: { kind: 'local', path: '/srv/pgbackrest' },
      configFile: '/etc/pgb/pgbackrest.conf',
      retentionFull: 3,
    });
    assert.match(s.configText, /^repo1-path=\/srv\/pgbackrest$/m);
    assert.match(s.configText, /^repo1-retention-full=3$/m);
    assert.match(s.configText, /^log-path=\/var\/log\/pgbackrest$/m);
    assert.match(s.configText, /^\[shop\]\npg1-path=\/var\/lib\/postgresql\/15\/main\npg1-port=5433$/m);
    assert.equal(s.archiveCommand, 'pgbackrest --config=/etc/pgb/pgbackrest.conf --stanza=shop archive-push %p');
    assert.deepEqual(s.serverSettings, [
      'archive_mode = on',
      "archive_command = 'pgbackrest --config=/etc/pgb/pgbackrest.conf --stanza=shop archive-push %p'",
    ]);
    assert.deepEqual(
      s.commands.map((c) => c.argv),
      [
        ['pgbackrest', '--config=/etc/pgb/pgbackrest.conf', '--stanza=shop', 'stanza-create'],
        ['pgbackrest', '--config=/etc/pgb/pgbackrest.conf', '--stanza=shop', 'check'],
      ],
    );
    assert.deepEqual(s.env, []);
  });

  it('an S3 repository: bucket, endpoint, TLS choice, and the keys only as environment names', () => {
    const s = pgbackrestSetup({
      stanza: 'shop',
      pg: { dataDir: '/pg' },
      repository: {
        kind: 's3',
        bucket: 'backups',
        endpoint: '127.0.0.1',
        port: 4569,
        region: 'us-east-1',
        uriStyle: 'path',
        verifyTls: false,
      },
    });
    for (const line of [
      'repo1-type=s3',
      'repo1-s3-bucket=backups',
      'repo1-s3-endpoint=127.0.0.1',
      'repo1-storage-port=4569',
      'repo1-s3-uri-style=path',
      'repo1-storage-verify-tls=n',
    ])
      assert.ok(s.configText.split('\n').includes(line), line);
    assert.doesNotMatch(s.configText, /^repo1-s3-key/m);
    assert.deepEqual(s.env, ['PGBACKREST_REPO1_S3_KEY', 'PGBACKREST_REPO1_S3_KEY_SECRET']);
    assert.equal(s.configFile, '/etc/pgbackrest/pgbackrest.conf');
    assert.equal(s.archiveCommand, 'pgbackrest --stanza=shop archive-push %p');
  });

  it('refuses values that would break the file', () => {
    assert.throws(
      () => pgbackrestSetup({ stanza: 'a b', pg: { dataDir: '/pg' }, repository: { kind: 'local', path: '/r' } }),
      /not a valid stanza name/,
    );
    assert.throws(
      () => pgbackrestSetup({ stanza: 'a', pg: { dataDir: '/pg\n[x]' }, repository: { kind: 'local', path: '/r' } }),
      /cannot be/,
    );
  });
});

describe('repository specs', () => {
  it('parses engine:NAME with a config file, and refuses the rest', () => {
    assert.deepEqual(parseRepoSpec('pgbackrest:demo', '/etc/x.conf'), {
      engine: 'pgbackrest',
      name: 'demo',
      config: '/etc/x.conf',
    });
    assert.ok(isRepoArgument('barman:main') && !isRepoArgument('/backups/shop.dump'));
    assert.throws(() => parseRepoSpec('tape:x'), /not a repository/);
    assert.throws(() => parseRepoSpec('pgbackrest:'), /not a valid stanza name/);
    assert.throws(() => parseRepoSpec('pgbackrest:demo', 'rel.conf'), /absolute path/);
  });
});
