import { resolve } from 'node:path';
import { PgBackupError } from '../../core/errors';
import { shWord } from '../../core/pitr/quote';
import {
  generateSchedule,
  parseEvery,
  SCHEDULE_KINDS,
  type ScheduleKind,
  type ScheduleVerify,
} from '../../core/schedule';
import { discoverTools } from '../../core/tools/discover';
import { defineCommand, EXIT, type CliIo } from '../command';
import { flag, has, numberFlag, type ParsedArgs } from '../flags';
import { resolveConnArg } from '../resolve-conn';
import { DUMP_FLAGS, optionsFromArgs } from './dump';

/**
 * --verify: the job drills with this very CLI (node's and its own absolute path); the command that wrote the job
 * is kept so the job can say how to write it again when the CLI moved.
 */
function verifyOf(p: ParsedArgs, args: readonly string[], io: CliIo): ScheduleVerify | undefined {
  const when = flag(p, 'verify');
  if (when === undefined) {
    if (has(p, 'verify-conn') || has(p, 'log')) {
      throw new PgBackupError('--verify-conn and --log go with --verify daily|weekly|every.', 'usage');
    }
    return undefined;
  }
  const conn = flag(p, 'verify-conn');
  const log = flag(p, 'log');
  return {
    when: when as ScheduleVerify['when'],
    ...(conn === undefined ? {} : { conn: resolveConnArg(conn, io.env).params }),
    ...(log === undefined ? {} : { logDir: resolve(log) }),
    node: process.execPath,
    cli: resolve(process.argv[1]),
    regenerate: `cd ${shWord(process.cwd())} && pg-backup schedule ${args.map(shWord).join(' ')}`,
  };
}

/** The dump's flags, less its --out (here the folder for everything) and with schedule's own defaults. */
const { format, json, out: _dumpOut, ...dumpOptions } = DUMP_FLAGS;

export const scheduleCommand = defineCommand({
  name: 'schedule',
  args: '<conn>',
  flags: {
    every: { value: 'daily|hourly|weekly|"CRON"', required: true, help: 'when it runs: a word or a cron expression' },
    at: { value: 'HH:MM', help: 'the time of day for daily and weekly' },
    keep: { value: 'N', min: 1, required: true, help: 'how many of the newest backups to keep' },
    kind: { value: 'cron|systemd', help: 'a crontab line, or a systemd service + timer (default cron)' },
    out: { value: 'DIR', required: true, help: 'the folder for the backups and the generated files' },
    format: { ...format, value: 'custom|plain|tar', required: false, help: 'the archive format (default custom)' },
    ...dumpOptions,
    verify: {
      value: 'daily|weekly|every',
      help: 'after a good backup, a restore drill of it (daily/weekly: the first run of each)',
    },
    'verify-conn': {
      value: '<conn>',
      help: 'drill into a scratch database on this server instead of a throwaway cluster',
    },
    log: { value: 'DIR', help: 'where the drills are logged (default: the backup folder)' },
    json: { ...json, help: 'print what was generated as JSON' },
  },
  summary:
    'Write a backup script with retention (and a restore drill of each new dump with --verify) and its cron line ' +
    'or systemd service + timer into DIR (where the backups go too).',
  async run(p, io, args) {
    if (p.positional.length > 1) throw new PgBackupError(`Unexpected argument "${p.positional[1]}".`, 'usage');
    const everyText = flag(p, 'every');
    if (!everyText)
      throw new PgBackupError('Say when it runs: --every daily|hourly|weekly or a cron expression in quotes.', 'usage');
    const every = parseEvery(everyText, flag(p, 'at'));
    const kind = (flag(p, 'kind') ?? 'cron') as ScheduleKind;
    if (!SCHEDULE_KINDS.includes(kind))
      throw new PgBackupError(`--kind must be cron or systemd, not "${kind}".`, 'usage');
    const keep = numberFlag(p, 'keep');
    if (keep === undefined) {
      throw new PgBackupError('--keep N is needed: how many of the newest backups to keep (at least 1).', 'usage');
    }
    const out = flag(p, 'out');
    if (!out)
      throw new PgBackupError('--out DIR is needed: the folder for the backups and the generated files.', 'usage');
    const options = optionsFromArgs(
      has(p, 'format') || has(p, 'preset') ? p : { ...p, flags: new Map([...p.flags, ['format', ['custom']]]) },
    );
    const verify = verifyOf(p, args, io);
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const toolSets = await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env);
    const dir = resolve(out);
    const g = await generateSchedule({
      params,
      password,
      env: io.env,
      every,
      kind,
      keep,
      dir,
      options,
      toolSets,
      verify,
    });
    if (has(p, 'json')) {
      io.out(JSON.stringify({ ...g, every, kind, keep, dir: resolve(out) }, null, 2));
      return EXIT.ok;
    }
    io.out(
      `${g.job}: ${every.text} (${kind === 'cron' ? every.cron : every.onCalendar}), keeping the newest ${keep}, pg_dump ${g.pgDumpVersion} for PostgreSQL ${g.serverVersion}.`,
    );
    if (verify) {
      const when = verify.when === 'every' ? 'after every run' : `once a ${verify.when === 'daily' ? 'day' : 'week'}`;
      io.out(`Each new dump is drilled ${when} by ${verify.cli} (run with ${verify.node}).`);
    }
    io.out(`Wrote ${g.files.join(', ')}.`);
    for (const line of g.install) io.out(line);
    return EXIT.ok;
  },
});
