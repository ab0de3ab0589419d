import { resolve } from 'node:path';
import { PgBackupError } from '../../core/errors';
import { generateSchedule, parseEvery, SCHEDULE_KINDS, type ScheduleKind } from '../../core/schedule';
import { discoverTools } from '../../core/tools/discover';
import { EXIT, flag, has, parseArgs, type CliCommand } from '../command';
import { resolveConnArg } from '../resolve-conn';
import { DUMP_FLAGS, optionsFromArgs } from './dump';
import { wholeNumberFlag } from './number-flag';

export const scheduleCommand: CliCommand = {
  name: 'schedule',
  usage: 'pg-backup schedule <conn> --every daily|hourly|weekly|"CRON" [--at HH:MM] --keep N --kind cron|systemd --out DIR [--format custom|plain|tar] [dump options] [--json]',
  summary: 'Write a backup script with retention and its cron line or systemd service + timer into DIR (where the backups go too).',
  async run(args, io) {
    const p = parseArgs(args, [...DUMP_FLAGS.valued, 'every', 'at', 'keep', 'kind'], DUMP_FLAGS.booleans);
    if (p.positional.length > 1) throw new PgBackupError(`Unexpected argument "${p.positional[1]}".`, 'usage');
    const everyText = flag(p, 'every');
    if (!everyText) throw new PgBackupError('Say when it runs: --every daily|hourly|weekly or a cron expression in quotes.', 'usage');
    const every = parseEvery(everyText, flag(p, 'at'));
    const kind = (flag(p, 'kind') ?? 'cron') as ScheduleKind;
    if (!SCHEDULE_KINDS.includes(kind)) throw new PgBackupError(`--kind must be cron or systemd, not "${kind}".`, 'usage');
    const keep = wholeNumberFlag(p, 'keep', 1);
    if (keep === undefined) {
      throw new PgBackupError('--keep N is needed: how many of the newest backups to keep (at least 1).', 'usage');
    }
    const out = flag(p, 'out');
    if (!out) throw new PgBackupError('--out DIR is needed: the folder for the backups and the generated files.', 'usage');
    const options = optionsFromArgs(has(p, 'format') || has(p, 'preset') ? p : { ...p, flags: new Map([...p.flags, ['format', ['custom']]]) });
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const toolSets = await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env);
    const g = await generateSchedule({ params, password, env: io.env, every, kind, keep, dir: resolve(out), options, toolSets });
    if (has(p, 'json')) {
      io.out(JSON.stringify({ ...g, every, kind, keep, dir: resolve(out) }, null, 2));
      return EXIT.ok;
    }
    io.out(`${g.job}: ${every.text} (${kind === 'cron' ? every.cron : every.onCalendar}), keeping the newest ${keep}, pg_dump ${g.pgDumpVersion} for PostgreSQL ${g.serverVersion}.`);
    io.out(`Wrote ${g.files.join(', ')}.`);
    for (const line of g.install) io.out(line);
    return EXIT.ok;
  },
};
