import { resolve } from 'node:path';
import { PgBackupError } from '../../core/errors';
import { shWord } from '../../core/pitr/quote';
import {
  generateSchedule,
  parseEvery,
  SCHEDULE_KINDS,
  type ScheduleCopy,
  type ScheduleKind,
  type ScheduleVerify,
} from '../../core/schedule';
import type { JobCli } from '../../core/schedule/script';
import { describeDestination, parseDestination, type S3Options } from '../../core/offsite/destination';
import { S3_FLAGS, s3Options } from '../s3-flags';
import { discoverTools } from '../../core/tools/discover';
import { defineCommand, EXIT, type CliIo } from '../command';
import { flag, has, numberFlag, type ParsedArgs } from '../flags';
import { resolveConnArg } from '../resolve-conn';
import { DUMP_FLAGS, optionsFromArgs } from './dump';

/**
 * The job drills and copies with this very CLI (node's and its own absolute path); the command that wrote the job
 * is kept so the job can say how to write it again when the CLI moved.
 */
const jobCliOf = (args: readonly string[]): JobCli => ({
  node: process.execPath,
  cli: resolve(process.argv[1]),
  regenerate: `cd ${shWord(process.cwd())} && pg-backup schedule ${args.map(shWord).join(' ')}`,
});

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
    ...jobCliOf(args),
  };
}

/** The flags of `pg-backup copy` and `prune` that make S3Options (values, never credentials). */
function s3Argv(o: S3Options): string[] {
  return [
    ...(o.endpoint === undefined ? [] : ['--endpoint', o.endpoint]),
    ...(o.region === undefined ? [] : ['--region', o.region]),
    ...(o.pathStyle ? ['--path-style'] : []),
    ...(o.profile === undefined ? [] : ['--profile', o.profile]),
  ];
}

/** --copy-to: a folder (made absolute; not the backup folder itself) or s3://bucket/prefix with its S3 flags. */
function copyOf(p: ParsedArgs, args: readonly string[], dir: string): ScheduleCopy | undefined {
  const to = flag(p, 'copy-to');
  const s3Given = [...Object.keys(S3_FLAGS)].filter((f) => has(p, f));
  if (to === undefined) {
    const given = [...s3Given, ...(has(p, 'copy-keep') ? ['copy-keep'] : [])];
    if (given.length) throw new PgBackupError(`--${given[0]} goes with --copy-to DEST.`, 'usage');
    return undefined;
  }
  const options = s3Options(p);
  const dest = parseDestination(to, options);
  if (dest.kind === 'folder' && s3Given.length) {
    throw new PgBackupError(`--${s3Given[0]} goes with an s3:// destination.`, 'usage');
  }
  if (dest.kind === 'folder' && dest.path === dir) {
    throw new PgBackupError('--copy-to must name another folder than --out, or an s3://bucket/prefix.', 'usage');
  }
  const keep = numberFlag(p, 'copy-keep');
  return {
    to: describeDestination(dest),
    flags: s3Argv(options),
    ...(keep === undefined ? {} : { keep }),
    ...jobCliOf(args),
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
    'copy-to': {
      value: 'DIR|s3://BUCKET/PREFIX',
      help: 'after a good backup (and its drill), copy it there with pg-backup copy; a failed copy fails the run',
    },
    'copy-keep': { value: 'N', min: 1, help: 'then prune the destination to the newest N of each database' },
    ...S3_FLAGS,
    json: { ...json, help: 'print what was generated as JSON' },
  },
  summary:
    'Write a backup script with retention (a restore drill of each new dump with --verify, a copy off-site with ' +
    '--copy-to) and its cron line or systemd service + timer into DIR (where the backups go too).',
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
    const dir = resolve(out);
    const copy = copyOf(p, args, dir);
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const toolSets = await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env);
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
      copy,
    });
    if (has(p, 'json')) {
      const copyTo = copy && {
        to: copy.to,
        flags: copy.flags,
        ...(copy.keep === undefined ? {} : { keep: copy.keep }),
      };
      io.out(
        JSON.stringify({ ...g, every, kind, keep, dir: resolve(out), ...(copyTo ? { copy: copyTo } : {}) }, null, 2),
      );
      return EXIT.ok;
    }
    io.out(
      `${g.job}: ${every.text} (${kind === 'cron' ? every.cron : every.onCalendar}), keeping the newest ${keep}, pg_dump ${g.pgDumpVersion} for PostgreSQL ${g.serverVersion}.`,
    );
    if (verify) {
      const when = verify.when === 'every' ? 'after every run' : `once a ${verify.when === 'daily' ? 'day' : 'week'}`;
      io.out(`Each new dump is drilled ${when} by ${verify.cli} (run with ${verify.node}).`);
    }
    if (copy) {
      const keepThere = copy.keep === undefined ? '' : `, keeping the newest ${copy.keep} of each database there`;
      const keys = copy.to.startsWith('s3://') ? "; the job's keys come from the AWS SDK's chain (~/.aws, env)" : '';
      io.out(`Each good dump is copied to ${copy.to}${keepThere}${keys}.`);
    }
    io.out(`Wrote ${g.files.join(', ')}.`);
    for (const line of g.install) io.out(line);
    return EXIT.ok;
  },
});
