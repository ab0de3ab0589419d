/**
 * Barman without Barman: its JSON read from output recorded from Barman 3.4 (test/fixtures/barman/: a server with
 * two finished backups and one cancelled mid-copy), the generated configuration and `barman recover` argv.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  barmanArgv,
  barmanSetup,
  barmanSlotName,
  configuredBarmanUser,
  type BarmanSetupOptions,
} from '../../src/core/engines/barman/config';
import {
  jsonMessages,
  parseBarmanVersion,
  parseCheck,
  parseDiagnose,
  parseListBackups,
  pgMajorOfNum,
} from '../../src/core/engines/barman/parse';
import { barmanRecoverArgv } from '../../src/core/engines/barman/recover';
import { PgBackupError } from '../../src/core/errors';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'barman', name), 'utf8');

describe('Barman diagnose', () => {
  const d = parseDiagnose(fixture('diagnose.json'), 'pg');

  it('lists every backup oldest first with times, LSNs, WAL, sizes and status', () => {
    assert.equal(d.engineVersion, '3.4.0');
    assert.deepEqual(d.servers, ['pg']);
    const [first, second, failed] = d.info.backups;
    assert.deepEqual(
      d.info.backups.map((b) => b.label),
      ['20261202T032402', '20261202T032612', '20261202T032840'],
    );
    assert.deepEqual(first, {
      label: '20261202T032402',
      type: 'full',
      references: [],
      startedAt: '2026-12-02T03:24:02.612Z',
      stoppedAt: '2026-12-02T03:24:05.979Z',
      startLsn: '0/4000028',
      stopLsn: '0/5000000',
      timeline: 1,
      walStart: '000000010000000000000004',
      walStop: '000000010000000000000004',
      databaseBytes: 23171225,
      repositoryBytes: 23171225,
      pgVersion: '15',
      error: undefined,
    });
    assert.equal(second.error, undefined);
    assert.match(failed.error ?? '', /^failed: failure copying files/);
    assert.equal(failed.stoppedAt, '');
    assert.equal(failed.stopLsn, undefined);
  });

  it('reads where backups are written and the database size Barman reports (for backup progress)', () => {
    assert.equal(d.basebackupsDirectory, '/var/lib/barman/pg/base');
    assert.equal(d.databaseBytes, 34327085);
  });

  it('reads the archive range, the system id and the server version', () => {
    assert.equal(d.info.archive?.min, '000000010000000000000004');
    assert.match(d.info.archive?.max ?? '', /^00000001000000000000000[0-9A-F]$/);
    assert.ok(d.info.archive!.max! >= d.info.backups[1].walStop!);
    assert.equal(d.info.archive?.timeline, 1);
    assert.equal(d.info.systemId, '7714542181648172073');
    assert.equal(d.info.pgVersion, '15');
  });

  it('names the servers there are when the one asked for is not configured', () => {
    assert.throws(
      () => parseDiagnose(fixture('diagnose.json'), 'other'),
      (e: PgBackupError) => e.kind === 'input' && /no server "other"/.test(e.message) && /pg/.test(e.hint ?? ''),
    );
  });

  it('refuses output that is not JSON with a one-line message', () => {
    assert.throws(
      () => parseDiagnose('Traceback (most recent call last):', 'pg'),
      (e: PgBackupError) => e.kind === 'tool-failed' && /not JSON/.test(e.message),
    );
  });
});

describe('Barman check, list-backups and messages', () => {
  it('names the failing checks with their hints', () => {
    const c = parseCheck(fixture('check-failing.json'), 'pg');
    assert.equal(c.ok, false);
    assert.deepEqual(c.failed, ['failed_backups']);
    assert.equal(c.message, 'failed: failed backups (there are 1 failed backups)');
  });

  it('is ok when every check is OK', () => {
    const all = JSON.parse(fixture('check-failing.json'));
    all.pg.failed_backups.status = 'OK';
    assert.deepEqual(parseCheck(JSON.stringify(all), 'pg'), { ok: true, message: 'ok', failed: [] });
  });

  it("reports Barman's own _ERROR and output that is not JSON", () => {
    assert.deepEqual(parseCheck('{"_ERROR": ["Unknown server \'x\'"]}', 'x'), {
      ok: false,
      message: "failed: Unknown server 'x'",
      failed: [],
    });
    assert.equal(parseCheck('ERROR: boom\n', 'x').message, 'failed: ERROR: boom');
    assert.deepEqual(jsonMessages('{"_INFO": ["a", "b"]}', '_INFO'), ['a', 'b']);
    assert.deepEqual(jsonMessages('not json', '_ERROR'), []);
  });

  it('reads list-backups with the retention verdict', () => {
    assert.deepEqual(parseListBackups(fixture('list-backups.json'), 'pg'), [
      { id: '20261202T032840', status: 'FAILED', retention: undefined },
      { id: '20261202T032612', status: 'DONE', retention: '-' },
      { id: '20261202T032402', status: 'DONE', retention: '-' },
    ]);
  });

  it('reads versions', () => {
    assert.equal(parseBarmanVersion('3.4.0 Barman by EnterpriseDB (www.enterprisedb.com)\n'), '3.4.0');
    assert.equal(parseBarmanVersion('nope'), undefined);
    assert.equal(pgMajorOfNum(150018), '15');
    assert.equal(pgMajorOfNum(90624), '9.6');
  });
});

describe('Barman setup generation', () => {
  const base: BarmanSetupOptions = {
    server: 'app',
    configFile: '/srv/barman/app.conf',
    home: '/srv/barman/home/',
    pgBin: '/usr/lib/postgresql/15/bin',
    host: '/var/run/postgresql',
    port: 5432,
    user: 'barman',
    streamingUser: 'streaming_barman',
    passfile: '/srv/barman/pgpass',
    retention: { recoveryWindowDays: 7 },
  };

  it('writes a self-contained streaming configuration', () => {
    const s = barmanSetup(base);
    const lines = s.config.split('\n');
    for (const l of [
      '[barman]',
      'barman_user = barman',
      'barman_home = /srv/barman/home',
      'barman_lock_directory = /srv/barman/home/lock',
      '[app]',
      'conninfo = host=/var/run/postgresql port=5432 passfile=/srv/barman/pgpass user=barman dbname=postgres',
      'streaming_conninfo = host=/var/run/postgresql port=5432 passfile=/srv/barman/pgpass user=streaming_barman',
      'backup_method = postgres',
      'streaming_archiver = on',
      'slot_name = barman_app',
      'path_prefix = /usr/lib/postgresql/15/bin',
      'retention_policy = RECOVERY WINDOW OF 7 DAYS',
    ])
      assert.ok(lines.includes(l), `${l}\n---\n${s.config}`);
    assert.deepEqual(s.directories, ['/srv/barman/home', '/srv/barman/home/lock']);
    assert.deepEqual(
      s.commands.map((c) => c.argv.slice(3)),
      [
        ['receive-wal', '--create-slot', 'app'],
        ['cron'],
        ['switch-wal', '--force', '--archive', '--archive-timeout', '120', 'app'],
        ['check', 'app'],
      ],
    );
    assert.ok(s.commands.every((c) => c.argv[0] === 'barman' && c.argv[2] === base.configFile));
  });

  it('quotes conninfo values and doubles % for the INI file', () => {
    const s = barmanSetup({ ...base, host: "/tmp/my sock's", database: 'a%b', retention: { redundancy: 3 } });
    assert.match(s.config, /host='\/tmp\/my sock\\'s'/);
    assert.match(s.config, /dbname=a%%b/);
    assert.match(s.config, /^retention_policy = REDUNDANCY 3$/m);
  });

  it('refuses bad names, retentions and values that span lines', () => {
    const bad = (o: Partial<BarmanSetupOptions>, kind: string, re: RegExp) =>
      assert.throws(
        () => barmanSetup({ ...base, ...o }),
        (e: PgBackupError) => e.kind === kind && re.test(e.message),
      );
    bad({ server: 'a b' }, 'usage', /cannot be a Barman server name/);
    bad({ server: 'barman' }, 'usage', /cannot be a Barman server name/);
    bad({ slotName: 'Bad-Slot' }, 'usage', /replication slot name/);
    bad({ retention: { redundancy: 0 } }, 'usage', /redundancy/);
    bad({ retention: { redundancy: 1, recoveryWindowDays: 1 } }, 'usage', /one Barman retention/);
    bad({ pgBin: '/a\n[evil]' }, 'input', /cannot span lines/);
  });

  it('names slots and reads barman_user', () => {
    assert.equal(barmanSlotName('My-App.1'), 'barman_my_app_1');
    assert.equal(configuredBarmanUser('[barman]\nbarman_user = backup\n[pg]\nbarman_user = x\n'), 'backup');
    assert.equal(configuredBarmanUser('[pg]\nbarman_user = x\n'), 'barman');
    assert.deepEqual(barmanArgv(undefined, ['cron']), ['barman', 'cron']);
  });
});

describe('barman recover argv', () => {
  const repo = { engine: 'barman' as const, name: 'pg', config: '/c/barman.conf' };

  it('passes each target kind with the action', () => {
    const argv = (target: { kind: 'time' | 'xid' | 'lsn' | 'name' | 'immediate' | 'latest'; value?: string }) =>
      barmanRecoverArgv({ repo, to: '/r', target, action: 'pause', label: '20261202T032402' });
    assert.deepEqual(argv({ kind: 'time', value: '2026-12-02 03:30:00 CET' }), [
      'barman',
      '-c',
      '/c/barman.conf',
      'recover',
      '--target-time',
      '2026-12-02 03:30:00+01:00',
      '--target-action',
      'pause',
      'pg',
      '20261202T032402',
      '/r',
    ]);
    assert.deepEqual(argv({ kind: 'xid', value: '742' }).slice(4, 6), ['--target-xid', '742']);
    assert.deepEqual(argv({ kind: 'lsn', value: '0/5000000' }).slice(4, 6), ['--target-lsn', '0/5000000']);
    assert.deepEqual(argv({ kind: 'name', value: 'before drop' }).slice(4, 6), ['--target-name', 'before drop']);
    assert.deepEqual(argv({ kind: 'immediate' }).slice(4, 7), ['--target-immediate', '--target-action', 'pause']);
    assert.deepEqual(argv({ kind: 'latest' }).slice(3), ['recover', 'pg', '20261202T032402', '/r']);
  });

  it('recovers the latest backup when none is chosen, with the default config', () => {
    assert.deepEqual(
      barmanRecoverArgv({ repo: { engine: 'barman', name: 'pg' }, to: '/r', target: { kind: 'latest' } }),
      ['barman', 'recover', 'pg', 'latest', '/r'],
    );
  });
});
