import assert from 'node:assert/strict';
import { archiveCommand, restoreCommand } from '../../src/core/pitr/commands';
import { archiveCommandIn, archiveDirOf, archiveSetup } from '../../src/core/pitr/archive-setup';
import { formatLsn, parseLsn } from '../../src/core/pitr/lsn';
import { parseSource, parseTarget, parseTimeline, type PitrModel } from '../../src/core/pitr/model';
import { gucString } from '../../src/core/pitr/quote';
import { renderRecoveryFiles } from '../../src/core/pitr/render';
import { buildRunbook, renderRunbook } from '../../src/core/pitr/runbook';
import { parseZonedTime } from '../../src/core/pitr/time';
import { hasErrors, validateModel } from '../../src/core/pitr/validate';
import type { RecoverableWindow } from '../../src/core/pitr/window';
import { defaultForm, formToModel, windowEndInput, zonedTime } from '../../webview/pitr/form';

const base: PitrModel = {
  serverMajor: 15,
  target: { kind: 'time', value: '2026-11-25 14:30:00+00' },
  inclusive: true,
  timeline: 'latest',
  action: 'promote',
  source: { kind: 'cp', dir: '/var/lib/pg archive' },
};

const window: RecoverableWindow = {
  from: { time: '2026-11-25T14:00:00.000Z', lsn: '0/3000100' },
  to: { time: '2026-11-25T15:00:00.000Z', lsn: '0/5000200' },
  walEnd: '0/5000300',
  timeline: 1,
  gaps: [],
  notes: [],
};

describe('pitr recovery files', () => {
  it('writes recovery.signal and postgresql.auto.conf lines for PostgreSQL 12 and newer', () => {
    const files = renderRecoveryFiles(base);
    assert.deepEqual(
      files.map((f) => [f.name, f.mode]),
      [
        ['recovery.signal', 'create'],
        ['postgresql.auto.conf', 'append'],
      ],
    );
    assert.equal(files[0].content, '');
    const lines = files[1].content.split('\n');
    assert.ok(lines.includes(`restore_command = 'cp ''/var/lib/pg archive/%f'' ''%p'''`));
    assert.ok(lines.includes(`recovery_target_time = '2026-11-25 14:30:00+00'`));
    assert.ok(lines.includes('recovery_target_inclusive = on'));
    assert.ok(lines.includes(`recovery_target_timeline = 'latest'`));
    assert.ok(lines.includes(`recovery_target_action = 'promote'`));
    assert.ok(lines.includes('archive_mode = off'));
  });

  it('writes a zone abbreviation or Z as a numeric offset, which the server accepts at startup (it refuses CEST and Z there)', () => {
    const at = (value: string) =>
      renderRecoveryFiles({ ...base, target: { kind: 'time', value } })[1]
        .content.split('\n')
        .find((l) => l.startsWith('recovery_target_time'));
    assert.equal(at('2026-07-01 10:00:00.123456 CEST'), `recovery_target_time = '2026-07-01 10:00:00.123456+02:00'`);
    assert.equal(at('2026-07-01T10:00:00Z'), `recovery_target_time = '2026-07-01T10:00:00+00:00'`);
    assert.equal(at('2026-11-25 09:30:00 EST'), `recovery_target_time = '2026-11-25 09:30:00-05:00'`);
    assert.equal(at('2026-11-25 14:30:00 UTC'), `recovery_target_time = '2026-11-25 14:30:00 UTC'`);
    assert.equal(at('2026-11-25 14:30:00 Europe/Berlin'), `recovery_target_time = '2026-11-25 14:30:00 Europe/Berlin'`);
  });

  it('writes a recovery.conf for PostgreSQL 11, with standby_mode for a standby and archive_mode off apart', () => {
    const files = renderRecoveryFiles({
      ...base,
      serverMajor: 11,
      timeline: 'current',
      target: { kind: 'xid', value: '1234' },
      inclusive: false,
      standby: true,
    });
    assert.deepEqual(
      files.map((f) => f.name),
      ['recovery.conf', 'postgresql.auto.conf'],
    );
    const conf = files[0].content;
    assert.match(conf, /^standby_mode = 'on'$/m);
    assert.match(conf, /^recovery_target_xid = '1234'$/m);
    assert.match(conf, /^recovery_target_inclusive = off$/m);
    assert.doesNotMatch(conf, /recovery_target_timeline/, "'current' is not a keyword before 12; it is the default");
    assert.doesNotMatch(conf, /recovery_target_action/, 'a standby never ends recovery');
    assert.doesNotMatch(conf, /archive_mode/);
    assert.match(files[1].content, /^archive_mode = off$/m);
  });

  it('writes standby.signal for a standby on 12+ and only restore_command for the latest target', () => {
    const files = renderRecoveryFiles({ ...base, standby: true, target: { kind: 'latest' } });
    assert.equal(files[0].name, 'standby.signal');
    assert.doesNotMatch(files[1].content, /recovery_target_(time|action|inclusive) =/);
  });

  it('writes named, immediate and LSN targets', () => {
    const text = (m: Partial<PitrModel>) => renderRecoveryFiles({ ...base, ...m })[1].content;
    assert.match(
      text({ target: { kind: 'name', value: "before 'drop'" } }),
      /^recovery_target_name = 'before ''drop'''$/m,
    );
    assert.match(text({ target: { kind: 'immediate' } }), /^recovery_target = 'immediate'$/m);
    assert.match(
      text({ target: { kind: 'lsn', value: '0/4000028' }, timeline: 3 }),
      /^recovery_target_lsn = '0\/4000028'\n.*\nrecovery_target_timeline = '3'$/m,
    );
  });
});

describe('pitr quoting', () => {
  it('quotes GUC strings: quotes doubled, backslashes escaped', () => {
    assert.equal(gucString(`it's C:\\x`), `'it''s C:\\\\x'`);
  });

  it('quotes a folder with spaces, quotes and percent signs for the shell inside restore_command', () => {
    const cmd = restoreCommand({ kind: 'cp', dir: "/mnt/it's 100% wal/" });
    assert.equal(cmd, `cp '/mnt/it'\\''s 100%% wal/%f' '%p'`);
    const line = renderRecoveryFiles({ ...base, source: { kind: 'cp', dir: "/mnt/it's" } })[1].content.split('\n')[1];
    assert.equal(line, `restore_command = 'cp ''/mnt/it''\\\\''''s/%f'' ''%p'''`);
  });

  it('builds restore commands for rsync, WAL-G, pgBackRest and Barman', () => {
    assert.equal(
      restoreCommand({ kind: 'rsync', host: 'backup1', dir: '/wal' }),
      `rsync -a -e ssh 'backup1:/wal/%f' '%p'`,
    );
    assert.equal(restoreCommand({ kind: 'walg' }), 'wal-g wal-fetch %f %p');
    assert.equal(
      restoreCommand({ kind: 'pgbackrest', stanza: 'main' }),
      'pgbackrest --stanza=main archive-get %f "%p"',
    );
    assert.equal(restoreCommand({ kind: 'barman', host: 'bm', server: 'pg1' }), 'barman-wal-restore bm pg1 %f %p');
  });

  it('archives into a folder without ever overwriting', () => {
    assert.equal(archiveCommand({ kind: 'cp', dir: '/a b' }), `test ! -f '/a b/%f' && cp '%p' '/a b/%f'`);
    assert.match(archiveCommand({ kind: 'rsync', host: 'h', dir: '/w' }), /--ignore-existing/);
  });
});

describe('archive setup', () => {
  it('says wal_level and archive_mode need a restart and archive_command a reload', () => {
    const s = archiveSetup(
      { kind: 'pgbackrest', stanza: 'main' },
      { wal_level: 'replica', archive_mode: 'off', archive_command: '' },
    );
    assert.deepEqual(s.confLines, [
      'archive_mode = on',
      `archive_command = 'pgbackrest --stanza=main archive-push %p'`,
    ]);
    assert.equal(s.apply, 'restart');
    const only = archiveSetup({ kind: 'walg' }, { wal_level: 'logical', archive_mode: 'on', archive_command: 'false' });
    assert.deepEqual(only.confLines, [`archive_command = 'wal-g wal-push %p'`]);
    assert.equal(only.apply, 'reload');
  });
});

describe('the archive folder a server archives into', () => {
  it('finds the folder in the archive_command pg-backup wrote, as the server quotes it in postgresql.auto.conf', () => {
    for (const dir of ['/srv/wal archive', "/it's/100%/a\\b"]) {
      const command = gucString(archiveCommand({ kind: 'cp', dir }));
      const conf = `# Do not edit this file manually!\narchive_mode = 'on'\narchive_command = ${command}\n`;
      assert.equal(archiveDirOf(archiveCommandIn(conf)!), dir);
    }
    assert.equal(archiveCommandIn("archive_command = 'a'\n#archive_command = 'b'\narchive_command='c'\n"), 'c');
    assert.equal(archiveCommandIn('archive_mode = on\n'), undefined);
  });

  it('guesses nothing from a command written by hand or for another source', () => {
    assert.equal(archiveDirOf('cp %p /srv/archive/%f'), undefined);
    assert.equal(archiveDirOf(`test ! -f '/srv/archive/%f' && cp '%p' '/elsewhere/%f'`), undefined);
    assert.equal(archiveDirOf(archiveCommand({ kind: 'rsync', host: 'h', dir: '/srv' })), undefined);
  });
});

describe('the PITR panel form', () => {
  it('opens invalid-free only with a time: an empty date is no target, never a bare zone', () => {
    assert.equal(zonedTime('', 'UTC'), '');
    assert.equal(zonedTime('2026-11-25T14:30', 'UTC'), '2026-11-25 14:30 UTC');
    const { model, problems } = formToModel(defaultForm(), { dir: '/b', format: 'plain', serverMajor: 15, notes: [] });
    assert.equal(model.target.value, '');
    assert.match(problems.join('\n'), /Pick the date and time/);
    assert.doesNotMatch(
      renderRecoveryFiles(model)
        .map((f) => f.content)
        .join('\n'),
      /'UTC'/,
    );
  });

  it("starts the time at the window's end, to the second, in UTC, which the window accepts", () => {
    assert.deepEqual(windowEndInput({ ...window, to: { time: '2026-11-25T15:00:07.654321Z' } }), {
      time: '2026-11-25T15:00:07',
      zone: 'UTC',
    });
    assert.equal(windowEndInput({ ...window, to: {} }), undefined);
    const end = windowEndInput(window)!;
    const backup = { dir: '/b', format: 'plain' as const, serverMajor: 15, notes: [] };
    const { model } = formToModel({ ...defaultForm(), archiveDir: '/a', ...end }, backup);
    assert.deepEqual(validateModel(model, window), []);
  });
});

describe('pitr validation', () => {
  const errors = (m: Partial<PitrModel>, w?: RecoverableWindow) =>
    validateModel({ ...base, ...m }, w)
      .filter((i) => i.severity === 'error')
      .map((i) => i.message);

  it('accepts timestamps with an offset, Z, a zone name or an abbreviation and refuses one without a zone', () => {
    assert.deepEqual(parseZonedTime('2026-11-25 14:30:00+01'), { ok: true, epochMs: Date.UTC(2026, 10, 25, 13, 30) });
    assert.deepEqual(parseZonedTime('2026-11-25T14:30:00.5Z'), {
      ok: true,
      epochMs: Date.UTC(2026, 10, 25, 14, 30, 0, 500),
    });
    assert.deepEqual(parseZonedTime('2026-07-01 12:00 Europe/Berlin'), {
      ok: true,
      epochMs: Date.UTC(2026, 6, 1, 10, 0),
    });
    assert.deepEqual(parseZonedTime('2026-01-01 12:00:00 EST'), { ok: true, epochMs: Date.UTC(2026, 0, 1, 17, 0) });
    assert.match(errors({ target: { kind: 'time', value: '2026-11-25 14:30:00' } })[0], /no time zone/);
    assert.match(errors({ target: { kind: 'time', value: '2026-02-30 14:30:00Z' } })[0], /not a valid date/);
    assert.match(errors({ target: { kind: 'time', value: '2026-11-25 14:30 Mars/Olympus' } })[0], /Unknown time zone/);
  });

  it('checks LSN, xid and restore point name formats', () => {
    assert.deepEqual(errors({ target: { kind: 'lsn', value: '16/B374D848' } }), []);
    assert.match(errors({ target: { kind: 'lsn', value: '16B374D848' } })[0], /not an LSN/);
    assert.match(errors({ target: { kind: 'lsn', value: '0/1' }, serverMajor: 9.6 })[0], /PostgreSQL 10/);
    assert.match(errors({ target: { kind: 'xid', value: '12a' } })[0], /not a transaction id/);
    assert.match(errors({ target: { kind: 'xid', value: '4294967296' } })[0], /not a transaction id/);
    assert.match(errors({ target: { kind: 'name', value: ' ' } })[0], /name is needed/);
    assert.match(errors({ target: { kind: 'name', value: 'x'.repeat(64) } })[0], /63 bytes/);
    assert.match(errors({ serverMajor: 9.4 })[0], /not supported/);
    assert.match(errors({ source: { kind: 'cp', dir: 'relative/wal' } })[0], /absolute path/);
  });

  it('refuses a target before the backup ended, naming the window', () => {
    const [msg] = errors({ target: { kind: 'time', value: '2026-11-25 13:59:59Z' } }, window);
    assert.match(msg, /before the backup ended/);
    assert.match(
      msg,
      /from the backup's end \(2026-11-25T14:00:00.000Z, LSN 0\/3000100\) to the last archived commit \(2026-11-25T15:00:00.000Z/,
    );
    assert.match(errors({ target: { kind: 'lsn', value: '0/30000FF' } }, window)[0], /before the backup ended/);
  });

  it('refuses a target after the last archived commit and accepts one inside the window', () => {
    assert.match(
      errors({ target: { kind: 'time', value: '2026-11-25 16:00:01+01' } }, window)[0],
      /after the last archived commit/,
    );
    assert.match(
      errors({ target: { kind: 'lsn', value: '0/5000301' } }, window)[0],
      /after the end of the archived WAL/,
    );
    assert.deepEqual(errors({ target: { kind: 'time', value: '2026-11-25 15:59:59+01' } }, window), []);
    assert.equal(hasErrors(validateModel(base, window)), false);
  });

  it('flags gaps in the archive, and refuses an LSN beyond one', () => {
    const gapped = {
      ...window,
      gaps: [
        {
          timeline: 1,
          first: '000000010000000000000004',
          last: '000000010000000000000004',
          count: 1,
          startLsn: '0/4000000',
        },
      ],
    };
    const issues = validateModel(base, gapped);
    assert.equal(issues[0].severity, 'warning');
    assert.match(issues[0].message, /1 WAL segment is missing.*000000010000000000000004/);
    assert.match(errors({ target: { kind: 'lsn', value: '0/4800000' } }, gapped)[0], /beyond missing WAL segments/);
  });
});

describe('pitr parsing', () => {
  it('parses --target, --source and --timeline values', () => {
    assert.deepEqual(parseTarget('time:2026-11-25 14:30:00+00'), { kind: 'time', value: '2026-11-25 14:30:00+00' });
    assert.deepEqual(parseTarget('latest'), { kind: 'latest' });
    assert.equal(parseTarget('when:now'), undefined);
    assert.deepEqual(parseSource('rsync:backup1:/srv/wal'), { kind: 'rsync', host: 'backup1', dir: '/srv/wal' });
    assert.deepEqual(parseSource('barman:bm:pg1'), { kind: 'barman', host: 'bm', server: 'pg1' });
    assert.equal(parseSource('cp:'), undefined);
    assert.equal(parseTimeline('3'), 3);
    assert.equal(parseTimeline('0'), undefined);
  });

  it('orders and formats LSNs', () => {
    assert.equal(parseLsn('1/0'), 0x100000000n);
    assert.equal(formatLsn(0x16b374d848n), '16/B374D848');
    assert.equal(parseLsn('0/FFFFFFFF')! < parseLsn('1/0')!, true);
    assert.equal(parseLsn('1/0/0'), undefined);
  });
});

describe('pitr runbook', () => {
  it('lists the steps with exact commands, moving the old data directory aside', () => {
    const steps = buildRunbook(
      { ...base, action: 'pause' },
      {
        dataDir: '/var/lib/pg/15/main',
        backupDir: '/backups/base 1',
        backupFormat: 'tar',
        tarFiles: { base: 'base.tar.gz', wal: 'pg_wal.tar.gz' },
        binDir: '/usr/lib/postgresql/15/bin',
        osUser: 'postgres',
        stamp: '20261125',
      },
    );
    const text = renderRunbook(steps);
    assert.match(text, /^1\. Stop the server/m);
    assert.match(text, /mv '\/var\/lib\/pg\/15\/main' '\/var\/lib\/pg\/15\/main\.before-pitr-20261125'/);
    assert.doesNotMatch(text, /rm -rf/);
    assert.match(text, /tar -xf '\/backups\/base 1\/base\.tar\.gz' -C '\/var\/lib\/pg\/15\/main'/);
    assert.match(text, /sudo -u postgres touch '\/var\/lib\/pg\/15\/main\/recovery\.signal'/);
    assert.match(
      text,
      /tee -a '\/var\/lib\/pg\/15\/main\/postgresql\.auto\.conf' >\/dev\/null <<'PGBACKUP_EOF'\n# Point-in-time/,
    );
    assert.match(text, /recovery stopping \(before\|after\)/);
    assert.match(text, /select pg_wal_replay_resume\(\)/);
    assert.equal(steps.length, 8);
  });
});

describe('pitr modules', () => {
  it('are pure: no node, fs or other core imports, so the webview can bundle them', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = 'src/core/pitr';
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1]}`))
      .filter((imp) => !/: \.\/[\w-]+$/.test(imp));
    assert.deepEqual(offenders, []);
  });
});
