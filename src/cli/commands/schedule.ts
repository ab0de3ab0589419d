import { resolve } from 'node:path';
import { PgBackupError } from '../../core/errors';
import { generateSchedule, parseEvery, SCHEDULE_KINDS, type ScheduleKind } from '../../core/schedule';
import { discoverTools } from '../../core/tools/discover';
import { defineCommand, EXIT } from '../command';
import { flag, has, numberFlag } from '../flags';
import { resolveConnArg } from '../resolve-conn';
import { DUMP_FLAGS, optionsFromArgs } from './dump';

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
    json: { ...json, help: 'print what was generated as JSON' },
  },
  summary: 'Write a backup script with retention and its cron line or systemd service + timer into DIR (where the backups go too).',
  async run(p, io) {
    if (p.positional.length > 1) throw new PgBackupError(`Unexpected argument "${p.positional[1]}".`, 'usage');
    const everyText = flag(p, 'every');
    if (!everyText) throw new PgBackupError('Say when it runs: --every daily|hourly|weekly or a cron expression in quotes.', 'usage');
    const every = parseEvery(everyText, flag(p, 'at'));
    const kind = (flag(p, 'kind') ?? 'cron') as ScheduleKind;
    if (!SCHEDULE_KINDS.includes(kind)) throw new PgBackupError(`--kind must be cron or systemd, not "${kind}".`, 'usage');
    const keep = numberFlag(p, 'keep');
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
});
