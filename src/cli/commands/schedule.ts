import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withClient } from '../../core/connection/client';
import { toConninfo } from '../../core/connection/profile';
import { resolveParams } from '../../core/connection/resolve';
import { serverInfo } from '../../core/connection/server-info';
import { PgBackupError } from '../../core/errors';
import { parseEvery, renderBackupScript, renderCron, renderSystemd, type ScheduleFile } from '../../core/schedule';
import { discoverTools } from '../../core/tools/discover';
import { pickToolSet, toolPath } from '../../core/tools/pick';
import { EXIT, flag, has, parseArgs, type CliCommand } from '../command';
import { resolveConnArg } from '../resolve-conn';
import { DUMP_FLAGS, optionsFromArgs } from './dump';

const KINDS = ['cron', 'systemd'] as const;

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
    const kind = flag(p, 'kind') ?? 'cron';
    if (!(KINDS as readonly string[]).includes(kind)) throw new PgBackupError(`--kind must be cron or systemd, not "${kind}".`, 'usage');
    const keep = Number(flag(p, 'keep'));
    if (!Number.isInteger(keep) || keep < 1) throw new PgBackupError('--keep N is needed: how many of the newest backups to keep (at least 1).', 'usage');
    const outFlag = flag(p, 'out');
    if (!outFlag) throw new PgBackupError('--out DIR is needed: the folder for the backups and the generated files.', 'usage');
    const out = resolve(outFlag);
    const options = optionsFromArgs(has(p, 'format') || has(p, 'preset') ? p : { ...p, flags: new Map([...p.flags, ['format', ['custom']]]) });

    const { params, password } = resolveConnArg(p.positional[0], io.env);
    if (password && password !== io.env.PGPASSWORD) {
      throw new PgBackupError('The connection string holds a password: a scheduled job must not carry one.', 'usage', undefined, 'Put the password in ~/.pgpass (or a file named by PGPASSFILE) of the user the job runs as, and leave it out of <conn>.');
    }
    const resolved = resolveParams(params, io.env);
    const server = await withClient(params, { password, env: io.env }, serverInfo);
    const sets = await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env);
    const set = pickToolSet(sets, server.major, server.version, 'pg_dump');
    const job = `pg-backup-${resolved.database.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    const scriptPath = join(out, `${job}.sh`);
    const script = renderBackupScript({
      job,
      database: resolved.database,
      // The job runs without this shell's PG* variables: everything libpq needs is written out (a service stays a service).
      conninfo: toConninfo(params.service ? params : { ...params, ...resolved }),
      pgDump: toolPath(set, 'pg_dump'),
      pgDumpVersion: set.version,
      pgDumpMajor: set.major,
      pgRestore: set.tools.pg_restore,
      options,
      backupDir: out,
      keep,
      generated: new Date(),
    });
    const units = kind === 'cron' ? renderCron(job, every, scriptPath, join(out, `${job}.log`)) : renderSystemd(job, every, scriptPath);
    const files: ScheduleFile[] = [{ name: `${job}.sh`, content: script, executable: true }, ...units.files];
    await mkdir(out, { recursive: true });
    for (const f of files) {
      await writeFile(join(out, f.name), f.content, { mode: f.executable ? 0o755 : 0o644 });
      if (f.executable) await chmod(join(out, f.name), 0o755);
    }
    if (has(p, 'json')) {
      io.out(JSON.stringify({ job, every, kind, keep, dir: out, files: files.map((f) => join(out, f.name)), pgDump: toolPath(set, 'pg_dump'), server: server.version, install: units.install }, null, 2));
      return EXIT.ok;
    }
    io.out(`${job}: ${every.text} (${kind === 'cron' ? every.cron : every.onCalendar}), keeping the newest ${keep}, pg_dump ${set.version} for PostgreSQL ${server.version}.`);
    io.out(`Wrote ${files.map((f) => join(out, f.name)).join(', ')}.`);
    io.out(`Try it once now: ${scriptPath}`);
    for (const line of units.install) io.out(line);
    return EXIT.ok;
  },
};
