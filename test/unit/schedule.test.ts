import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/command';
import { scheduleCommand } from '../../src/cli/commands/schedule';
import { PgBackupError } from '../../src/core/errors';
import {
  parseEvery,
  readJobStatuses,
  renderBackupScript,
  renderCron,
  renderSystemd,
  statusFilePath,
  type BackupScriptInput,
} from '../../src/core/schedule';

const usage = (pattern: RegExp) => (e: unknown) =>
  e instanceof PgBackupError && e.kind === 'usage' && pattern.test(e.message);

describe('schedule: when a backup runs', () => {
  it('turns daily, weekly and hourly into cron fields and systemd calendar events', () => {
    assert.deepEqual(parseEvery('daily'), { text: 'daily', cron: '0 2 * * *', onCalendar: '*-*-* 02:00:00' });
    assert.deepEqual(parseEvery('daily', '23:45'), {
      text: 'daily',
      cron: '45 23 * * *',
      onCalendar: '*-*-* 23:45:00',
    });
    assert.deepEqual(parseEvery('weekly', '03:30'), {
      text: 'weekly',
      cron: '30 3 * * 0',
      onCalendar: 'Sun *-*-* 03:30:00',
    });
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
    assert.throws(() => renderSystemd('job', e, '/x.sh', '/x.status.json'), usage(/day of month and the day of week/));
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
    assert.deepEqual(
      script.split('\n').filter((l) => !l.startsWith('#') && /password|PGPASSWORD/i.test(l)),
      [],
      'no password outside the comments',
    );
    assert.match(script, /^PG_DUMP='\/usr\/lib\/postgresql\/15\/bin\/pg_dump'$/m);
    assert.match(script, /^KEEP=\$\{PGBACKUP_KEEP:-7\}$/m);
    assert.match(script, /--format=custom/);
    assert.match(script, /'--exclude-table-data=audit_%'/);
    assert.match(script, /^PREFIX='shop'\\''s db-'$/m);
    const dumpLine = script.split('\n').find((l) => l.startsWith('run_logged "$PG_DUMP" --dbname="$CONNINFO"'));
    assert.ok(dumpLine, 'the script runs pg_dump');
    assert.doesNotMatch(dumpLine, / '-v'/, 'no verbose pg_dump in a scheduled job');
  });

  it('refuses the directory format and a keep count below one', () => {
    assert.throws(() => renderBackupScript({ ...input, options: { format: 'directory' } }), usage(/one file per run/));
    assert.throws(() => renderBackupScript({ ...input, keep: 0 }), usage(/--keep/));
  });

  it('escapes % in the crontab line and quotes the paths', () => {
    const { files, installCommand } = renderCron(
      'pg-backup-shop',
      parseEvery('daily'),
      '/srv/100% sure/pg-backup-shop.sh',
      '/srv/log.txt',
    );
    assert.equal(files[0].name, 'pg-backup-shop.cron');
    assert.equal(installCommand, "crontab -l 2>/dev/null | cat - 'pg-backup-shop.cron' | crontab -");
    assert.match(
      files[0].content,
      /^0 2 \* \* \* '\/srv\/100\\% sure\/pg-backup-shop\.sh' >>'\/srv\/log\.txt' 2>&1 \|\| \{/m,
    );
  });

  it('writes a oneshot service and a persistent timer for systemd', () => {
    const { files, installCommand } = renderSystemd(
      'pg-backup-shop',
      parseEvery('daily', '01:15'),
      '/srv/pg-backup-shop.sh',
      '/srv/pg-backup-shop.status.json',
    );
    assert.match(
      installCommand,
      /systemctl --user daemon-reload && systemctl --user enable --now 'pg-backup-shop\.timer'$/,
    );
    const [service, timer] = files;
    assert.match(service.content, /^Type=oneshot$/m);
    assert.match(service.content, /^ExecStart=\/srv\/pg-backup-shop\.sh$/m);
    assert.match(timer.content, /^OnCalendar=\*-\*-\* 01:15:00$/m);
    assert.match(timer.content, /^Persistent=true$/m);
  });

  it('starts a documented failure unit from the service, which logs to the journal', () => {
    const every = parseEvery('daily');
    const { files, installCommand } = renderSystemd(
      'pg-backup-shop',
      every,
      '/srv/100% on/job.sh',
      '/srv/100% on/j.json',
    );
    const [service, , failure] = files;
    assert.equal(failure.name, 'pg-backup-shop-failure@.service');
    assert.match(service.content, /^OnFailure=pg-backup-shop-failure@%n\.service$/m);
    assert.match(service.content, /^ExecStart="\/srv\/100%% on\/job\.sh"$/m, 'a space quoted, % doubled');
    assert.match(failure.content, /^Type=oneshot$/m);
    assert.match(
      failure.content,
      /^ExecStart=systemd-cat -t pg-backup-shop -p err echo "%i failed; its status file says why:"$/m,
    );
    assert.match(failure.content, /^ExecStart=systemd-cat -t pg-backup-shop -p err cat "\/srv\/100%% on\/j\.json"$/m);
    assert.match(failure.content, /^# ExecStart=curl .*\/fail$/m, 'how to add a notifier');
    assert.match(
      installCommand,
      /^cp 'pg-backup-shop\.service' 'pg-backup-shop\.timer' 'pg-backup-shop-failure@\.service' /,
    );
  });

  it('tells cron to mail the end of the log of a failed run, and how to set MAILTO', () => {
    const { files, install } = renderCron('pg-backup-shop', parseEvery('daily'), '/srv/job.sh', "/srv/it's.log");
    const line = files[0].content.split('\n').find((l) => l.startsWith('0 2 '));
    assert.equal(
      line,
      `0 2 * * * '/srv/job.sh' >>'/srv/it'\\''s.log' 2>&1 || { echo "pg-backup-shop failed (exit $?); the end of /srv/it's.log:"; tail -n 20 '/srv/it'\\''s.log'; }`,
    );
    assert.match(files[0].content, /^# MAILTO=you@example\.com$/m);
    assert.match(install.join('\n'), /set MAILTO=you@example\.com above the line \(crontab -e\)/);
    // The failure branch prints, so cron has something to mail; a good run prints nothing.
    const sh = (script: string) =>
      spawnSync('sh', ['-c', line!.slice('0 2 * * * '.length).replace(/'\/srv\/job\.sh'/, script)]);
    assert.match(String(sh('false').stdout), /^pg-backup-shop failed \(exit 1\)/);
    assert.equal(String(sh('true').stdout), '');
  });

  it('writes the drill settings quoted, and a status file for every run', () => {
    const script = renderBackupScript({
      ...input,
      verify: {
        when: 'weekly',
        node: '/opt/node 22/bin/node',
        cli: "/opt/pg-backup's/dist/cli.js",
        conninfo: "host=db port=5432 dbname='scratch'",
        regenerate: "cd /srv && pg-backup schedule shop --every daily --keep 7 --out '/srv/b b'",
      },
    });
    assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0, 'bash -n accepts the script');
    assert.match(script, /^VERIFY='weekly'$/m);
    assert.match(script, /^NODE='\/opt\/node 22\/bin\/node'$/m);
    assert.match(script, /^PGBACKUP_CLI='\/opt\/pg-backup'\\''s\/dist\/cli\.js'$/m);
    assert.match(script, /^VERIFY_CONN='host=db port=5432 dbname='\\''scratch'\\'''$/m);
    assert.match(script, /^DRILL_LOG_DIR=\$\{PGBACKUP_DRILL_LOG_DIR:-\$BACKUP_DIR\}$/m);
    assert.match(
      script,
      /^export PGBACKUP_TOOL_FOLDERS=\$\{PGBACKUP_TOOL_FOLDERS:-'\/usr\/lib\/postgresql\/15\/bin'\}$/m,
    );
    assert.match(
      script,
      /^REGENERATE='cd \/srv && pg-backup schedule shop --every daily --keep 7 --out '\\''\/srv\/b b'\\'''$/m,
    );
    assert.match(script, /^DATABASE_JSON='"shop'\\''s db"'$/m);
    assert.match(script, /^  weekly\) period=\$\(date \+%G-W%V\) ;;$/m);
    const plain = renderBackupScript(input);
    assert.match(plain, /^STATUS_FILE="\$BACKUP_DIR\/\$JOB\.status\.json"$/m);
    assert.doesNotMatch(plain, /PGBACKUP_CLI|restore drill of/, 'no drill, no CLI needed');
  });

  it('escapes a status file string as JSON in the script', () => {
    const script = renderBackupScript(input);
    const json = script.slice(script.indexOf('json() {'), script.indexOf('}\n', script.indexOf('json() {')) + 2);
    const r = spawnSync('bash', ['-c', `${json}\njson "$1"`, 'x', 'a "quoted" \\ back\tslash\u0007bell'], {
      encoding: 'utf8',
    });
    assert.equal(JSON.parse(r.stdout), 'a "quoted" \\ back slashbell');
  });
});

describe('schedule: the status file a run leaves', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pgb-status-file-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each job status in the folders, and skips what is not one', async () => {
    const failed = {
      job: 'pg-backup-shop',
      database: 'shop',
      server: 'db:5432',
      started: '2026-12-01T02:00:00Z',
      finished: '2026-12-01T02:01:00Z',
      exitCode: 1,
      backup: '/b/shop-20261201-020000.dump',
      drill: { result: 'failed', detail: 'table public.orders is missing' },
      reason: 'the restore drill of /b/shop-20261201-020000.dump failed: table public.orders is missing',
      lastDrill: null,
      output: ['line 1', 2, 'line 3'],
    };
    writeFileSync(statusFilePath(dir, 'pg-backup-shop'), JSON.stringify(failed));
    writeFileSync(statusFilePath(dir, 'pg-backup-half'), '{"job": "pg-backup-half", ');
    writeFileSync(statusFilePath(dir, 'pg-backup-other'), JSON.stringify({ job: 'x', exitCode: 'no' }));
    const all = await readJobStatuses([dir, dir, join(dir, 'missing')]);
    assert.equal(all.length, 1);
    const [s] = all;
    assert.deepEqual(
      [s.job, s.ok, s.exitCode, s.drill?.result, s.lastDrill, s.output],
      ['pg-backup-shop', false, 1, 'failed', undefined, ['line 1', 'line 3']],
    );
    assert.equal(s.path, join(dir, 'pg-backup-shop.status.json'));
  });

  it('refuses an unknown --verify, and --log or --verify-conn without --verify, before connecting', async () => {
    const io: CliIo = {
      out: () => undefined,
      err: () => undefined,
      progress: () => undefined,
      env: { ...process.env, PGBACKUP_TOOL_FOLDERS: '' },
      signal: new AbortController().signal,
    };
    const args = ['postgresql://app@127.0.0.1:1/shop', '--every', 'daily', '--keep', '1', '--out', join(dir, 'out')];
    const monthly = scheduleCommand.run([...args, '--verify', 'monthly'], io);
    await assert.rejects(monthly, usage(/^--verify must be daily, weekly or every, not "monthly"\.$/));
    await assert.rejects(scheduleCommand.run([...args, '--log', dir], io), usage(/^--verify-conn and --log go with/));
    assert.equal(existsSync(join(dir, 'out')), false, 'nothing written');
  });
});
