import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PgBackupError } from '../../src/core/errors';
import { parseEvery, renderBackupScript, renderCron, renderSystemd, type BackupScriptInput } from '../../src/core/schedule';

const usage = (pattern: RegExp) => (e: unknown) => e instanceof PgBackupError && e.kind === 'usage' && pattern.test(e.message);

describe('schedule: when a backup runs', () => {
  it('turns daily, weekly and hourly into cron fields and systemd calendar events', () => {
    assert.deepEqual(parseEvery('daily'), { text: 'daily', cron: '0 2 * * *', onCalendar: '*-*-* 02:00:00' });
    assert.deepEqual(parseEvery('daily', '23:45'), { text: 'daily', cron: '45 23 * * *', onCalendar: '*-*-* 23:45:00' });
    assert.deepEqual(parseEvery('weekly', '03:30'), { text: 'weekly', cron: '30 3 * * 0', onCalendar: 'Sun *-*-* 03:30:00' });
    assert.deepEqual(parseEvery('hourly', '15'), { text: 'hourly', cron: '15 * * * *', onCalendar: '*-*-* *:15:00' });
  });

  it('translates cron lists, ranges, steps and names into systemd syntax', () => {
    assert.equal(parseEvery('*/15 * * * *').onCalendar, '*-*-* *:00,15,30,45:00');
    assert.equal(parseEvery('30 1 * * mon-fri').onCalendar, 'Mon..Fri *-*-* 01:30:00');
    assert.equal(parseEvery('0 0 1 */3 *').onCalendar, '*-01,04,07,10-01 00:00:00');
    assert.equal(parseEvery('0 6,18 * * 7').onCalendar, 'Sun *-*-* 06,18:00:00');
    assert.equal(parseEvery('0 8-17/3 * * *').onCalendar, '*-*-* 08,11,14,17:00:00');
  });

  it('keeps a cron expression whose day fields systemd cannot say, and explains why', () => {
    const e = parseEvery('0 2 1 * mon');
    assert.equal(e.cron, '0 2 1 * mon');
    assert.equal(e.onCalendar, undefined);
    assert.match(e.calendarProblem ?? '', /either.*both/);
    assert.throws(() => renderSystemd('job', e, '/x.sh'), usage(/day of month and the day of week/));
  });

  it('refuses malformed input with the field it is about', () => {
    assert.throws(() => parseEvery('0 25 * * *'), usage(/hour field "25"/));
    assert.throws(() => parseEvery('every now and then'), usage(/five-field cron/));
    assert.throws(() => parseEvery('*/0 * * * *'), usage(/minute field/));
    assert.throws(() => parseEvery('daily', '2am'), usage(/HH:MM/));
    assert.throws(() => parseEvery('0 2 * * *', '02:00'), usage(/--at goes with/));
  });
});

describe('schedule: the generated files', () => {
  const input: BackupScriptInput = {
    job: 'pg-backup-shop',
    database: "shop's db",
    server: '/tmp:5432',
    conninfo: "host=/tmp port=5432 user=app dbname='shop\\'s db'",
    pgDump: '/usr/lib/postgresql/15/bin/pg_dump',
    pgDumpVersion: '15.18',
    pgDumpMajor: 15,
    pgRestore: '/usr/lib/postgresql/15/bin/pg_restore',
    options: { format: 'custom', excludeTableData: ['audit_%'] },
    backupDir: '/var/backups/pg 100%',
    keep: 7,
    generated: new Date('2026-11-25T12:00:00Z'),
  };

  it('writes a bash script that parses, carries no password and quotes every value', () => {
    const script = renderBackupScript(input);
    assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0, 'bash -n accepts the script');
    assert.deepEqual(script.split('\n').filter((l) => !l.startsWith('#') && /password|PGPASSWORD/i.test(l)), [], 'no password outside the comments');
    assert.match(script, /^PG_DUMP='\/usr\/lib\/postgresql\/15\/bin\/pg_dump'$/m);
    assert.match(script, /^KEEP=\$\{PGBACKUP_KEEP:-7\}$/m);
    assert.match(script, /--format=custom/);
    assert.match(script, /'--exclude-table-data=audit_%'/);
    assert.match(script, /^PREFIX='shop'\\''s db-'$/m);
    const dumpLine = script.split('\n').find((l) => l.startsWith('"$PG_DUMP" --dbname="$CONNINFO"'));
    assert.ok(dumpLine, 'the script runs pg_dump');
    assert.doesNotMatch(dumpLine, / '-v'/, 'no verbose pg_dump in a scheduled job');
  });

  it('refuses the directory format and a keep count below one', () => {
    assert.throws(() => renderBackupScript({ ...input, options: { format: 'directory' } }), usage(/one file per run/));
    assert.throws(() => renderBackupScript({ ...input, keep: 0 }), usage(/--keep/));
  });

  it('escapes % in the crontab line and quotes the paths', () => {
    const { files, installCommand } = renderCron('pg-backup-shop', parseEvery('daily'), '/srv/100% sure/pg-backup-shop.sh', '/srv/log.txt');
    assert.equal(files[0].name, 'pg-backup-shop.cron');
    assert.equal(installCommand, "crontab -l 2>/dev/null | cat - 'pg-backup-shop.cron' | crontab -");
    assert.match(files[0].content, /^0 2 \* \* \* '\/srv\/100\\% sure\/pg-backup-shop\.sh' >>'\/srv\/log\.txt' 2>&1$/m);
  });

  it('writes a oneshot service and a persistent timer for systemd', () => {
    const { files, installCommand } = renderSystemd('pg-backup-shop', parseEvery('daily', '01:15'), '/srv/pg-backup-shop.sh');
    assert.match(installCommand, /systemctl --user daemon-reload && systemctl --user enable --now 'pg-backup-shop\.timer'$/);
    const [service, timer] = files;
    assert.match(service.content, /^Type=oneshot$/m);
    assert.match(service.content, /^ExecStart=\/srv\/pg-backup-shop\.sh$/m);
    assert.match(timer.content, /^OnCalendar=\*-\*-\* 01:15:00$/m);
    assert.match(timer.content, /^Persistent=true$/m);
  });
});
