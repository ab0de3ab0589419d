import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { withClient } from '../connection/client';
import { toConninfo, type ConnParams } from '../connection/profile';
import { resolveParams, serverAddress } from '../connection/resolve';
import { serverInfo } from '../connection/server-info';
import type { DumpOptions } from '../dump/options';
import { PgBackupError } from '../errors';
import type { ToolSet } from '../tools/discover';
import { pickToolSet, toolPath } from '../tools/pick';
import type { Every } from './every';
import { renderBackupScript, VERIFY_WHEN, type JobCli, type ScriptCopy, type VerifyWhen } from './script';
import { statusFilePath } from './status-file';
import { renderCron, renderSystemd } from './units';

export type ScheduleKind = 'cron' | 'systemd';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['cron', 'systemd'];

export interface ScheduleRequest {
  params: ConnParams;
  /** Only to reach the server now (its version picks pg_dump); never written anywhere. */
  password?: string;
  env?: NodeJS.ProcessEnv;
  every: Every;
  kind: ScheduleKind;
  keep: number;
  /** The backups folder; the script and the schedule files go there too. */
  dir: string;
  options: DumpOptions;
  toolSets: readonly ToolSet[];
  /** A restore drill after each good dump (`every`) or the first of each day/week. */
  verify?: ScheduleVerify;
  /** A copy of each good dump (after its drill) to a folder or bucket, and retention there. */
  copy?: ScheduleCopy;
}

export type ScheduleCopy = ScriptCopy;

/** node and the pg-backup CLI (absolute paths) the job runs the drill with. */
export interface ScheduleVerify extends JobCli {
  when: VerifyWhen;
  /** A server for the drill's scratch database (password from ~/.pgpass when the job runs); else a throwaway one. */
  conn?: ConnParams;
  /** Where drills are logged; the backup folder when undefined. */
  logDir?: string;
}

export interface GeneratedSchedule {
  job: string;
  /** Absolute paths of the files written, the script first. */
  files: string[];
  scriptPath: string;
  pgDumpVersion: string;
  serverVersion: string;
  /** The command that installs the schedule (run in `dir`). */
  installCommand: string;
  /** How to install and check it, one step a line. */
  install: string[];
}

/** The job runs without this process's PG* variables: everything libpq needs is written out (a service stays one). */
function jobConninfo(params: ConnParams, env: NodeJS.ProcessEnv): string {
  return toConninfo(params.service ? params : { ...params, ...resolveParams(params, env) });
}

/**
 * Writes a scheduled backup job into `dir`: connects once to learn the server version (which picks pg_dump),
 * renders the script and the cron line or systemd units, writes them. The job reads its password from
 * ~/.pgpass or PGPASSFILE when it runs.
 */
export async function generateSchedule(r: ScheduleRequest): Promise<GeneratedSchedule> {
  if (!SCHEDULE_KINDS.includes(r.kind))
    throw new PgBackupError(`The schedule kind must be cron or systemd, not "${r.kind}".`, 'usage');
  if (r.verify && !VERIFY_WHEN.includes(r.verify.when)) {
    throw new PgBackupError(`--verify must be daily, weekly or every, not "${r.verify.when}".`, 'usage');
  }
  const env = r.env ?? process.env;
  const resolved = resolveParams(r.params, env);
  const server = await withClient(r.params, { password: r.password, env }, serverInfo);
  const set = pickToolSet(r.toolSets, server.major, server.version, 'pg_dump');
  const job = `pg-backup-${resolved.database.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  const scriptPath = join(r.dir, `${job}.sh`);
  const script = renderBackupScript({
    job,
    database: resolved.database,
    server: serverAddress(r.params, env),
    conninfo: jobConninfo(r.params, env),
    pgDump: toolPath(set, 'pg_dump'),
    pgDumpVersion: set.version,
    pgDumpMajor: set.major,
    pgRestore: set.tools.pg_restore,
    options: r.options,
    backupDir: r.dir,
    keep: r.keep,
    generated: new Date(),
    ...(r.verify ? { verify: { ...r.verify, conninfo: r.verify.conn && jobConninfo(r.verify.conn, env) } } : {}),
    ...(r.copy ? { copy: r.copy } : {}),
  });
  const units =
    r.kind === 'cron'
      ? renderCron(job, r.every, scriptPath, join(r.dir, `${job}.log`))
      : renderSystemd(job, r.every, scriptPath, statusFilePath(r.dir, job));
  await mkdir(r.dir, { recursive: true });
  // Each file appears whole or not at all; the script is executable only once its content is complete.
  await writeFileAtomic(scriptPath, script, 0o755);
  for (const f of units.files) await writeFileAtomic(join(r.dir, f.name), f.content, 0o644);
  return {
    job,
    files: [scriptPath, ...units.files.map((f) => join(r.dir, f.name))],
    scriptPath,
    pgDumpVersion: set.version,
    serverVersion: server.version,
    installCommand: units.installCommand,
    install: [`Try it once now: ${scriptPath}`, ...units.install],
  };
}
