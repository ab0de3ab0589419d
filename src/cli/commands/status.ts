import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { serverAddress } from '../../core/connection/resolve';
import { parseRepoSpec } from '../../core/engines/repo-spec';
import { PgBackupError } from '../../core/errors';
import type { DatabaseStatus, Measure } from '../../core/status/compute';
import { formatSpan } from '../../core/status/duration';
import { offsiteMissing } from '../../core/status/offsite';
import { readStatus, type StatusReport } from '../../core/status/read-status';
import { targetSettingsOf } from '../../core/status/targets';
import { isOutside, type Verdict } from '../../core/status/verdict';
import { defineCommand, EXIT, type CliIo } from '../command';
import { flag, flags, has } from '../flags';
import { resolveConnArg } from '../resolve-conn';

const WORD: Record<Verdict, string> = { green: 'ok', amber: 'WARN', red: 'FAIL', never: 'NEVER', unset: '-' };

function measureText(m: Measure, show: (ms: number) => string): string {
  const value = m.valueMs === undefined ? 'none' : show(m.valueMs);
  return `${WORD[m.verdict]} ${value}${m.targetMs === undefined ? '' : ` / ${show(m.targetMs)}`}`;
}

/** A drill's restore time: seconds matter there ("4.2s"), a day does not. */
const restoreTime = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatSpan(ms));

function drillText(r: DatabaseStatus, now: number): string {
  if (!r.drill) return 'never drilled';
  const d = r.drill;
  const ago = formatSpan(now - new Date(d.startedAt).getTime());
  return `${d.passed ? 'passed' : 'FAILED'} ${ago} ago, ${restoreTime(d.durationMs)}`;
}

/** "ok 3h ago", or "scheduled job failed 2h ago: <reason>"; "-" without a job. */
function jobText(r: DatabaseStatus): string {
  const j = r.scheduledJob;
  if (!j) return '-';
  return j.failure ?? `ok ${formatSpan(j.ageMs)} ago`;
}

/** "off-site 3h ago (s3://b/p)", "no off-site copy", "no verified off-site copy"; WARN/FAIL past the RPO target. */
function offsiteText(r: DatabaseStatus): string {
  const m = r.offsite;
  if (!m) return 'kept by the engine';
  if (!m.copy || m.valueMs === undefined) return m.note ?? 'no off-site copy';
  const word = m.verdict === 'unset' || m.verdict === 'green' ? '' : `${WORD[m.verdict]} `;
  return `${word}off-site ${formatSpan(m.valueMs)} ago (${m.copy.destination})`;
}

function notes(r: DatabaseStatus): string {
  const n = [r.rpo.note, r.rto.note];
  if (r.rpo.basis === 'last archived WAL' && r.wal) {
    const base = r.wal.baseBackup ? `base backup ${formatSpan(r.wal.baseBackup.ageMs)} old` : 'no base backup found';
    n.push(`RPO by WAL ${r.wal.lastArchivedWal} (${r.wal.source}), ${base}`);
  } else if (r.wal) n.push(r.wal.archiving ? 'archiving on, nothing archived yet' : 'WAL archiving off');
  if (r.rejected) n.push(`${r.rejected} of ${r.backups} backups not good`);
  return n.filter(Boolean).join('; ');
}

/** The off-site column shows when any backup was copied off-site, or when it is required. */
function table(report: StatusReport, offsite: boolean): string[] {
  const now = new Date(report.at).getTime();
  const head = ['SERVER', 'DATABASE', 'NEWEST GOOD BACKUP', 'AGE', 'NEWEST DRILL', 'RPO', 'RTO', 'SCHEDULED JOB'];
  if (offsite) head.push('OFF-SITE');
  head.push('NOTES');
  const body = report.rows.map((r) => [
    r.server ?? '(unknown)',
    r.database,
    r.newestGood?.name ?? 'none',
    r.newestGood ? formatSpan(r.newestGood.ageMs) : '-',
    drillText(r, now),
    measureText(r.rpo, formatSpan),
    measureText(r.rto, restoreTime),
    jobText(r),
    ...(offsite ? [offsiteText(r)] : []),
    notes(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  return [head, ...body].map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * 3 when something could not be read, else 1 when any target is missed or never proven (or, with requireOffsite,
 * a database has no verified off-site copy within its RPO target), else 0.
 */
export function statusExitCode(report: StatusReport, requireOffsite = false): number {
  if (report.problems.length) return EXIT.failed;
  const missed = (r: DatabaseStatus) =>
    isOutside(r.rpo.verdict) ||
    isOutside(r.rto.verdict) ||
    (requireOffsite && r.offsite !== undefined && offsiteMissing(r.offsite));
  return report.rows.some(missed) ? EXIT.difference : EXIT.ok;
}

function print(io: CliIo, report: StatusReport, requireOffsite: boolean): void {
  const offsite =
    requireOffsite || report.rows.some((r) => r.offsite && (r.offsite.copy || r.offsite.note !== 'no off-site copy'));
  if (!report.rows.length) io.out('No backups found and no databases to show.');
  else io.out(table(report, offsite).join('\n'));
  for (const p of report.problems) io.err(`could not read: ${p}`);
}

export const statusCommand = defineCommand({
  name: 'status',
  flags: {
    backups: { value: 'DIR', repeatable: true, help: 'a backup folder to read (default ~/pg-backups when it exists)' },
    log: { value: 'DIR', repeatable: true, help: 'a folder whose .pgbackup drill log to read (and the current one)' },
    conn: { value: '<conn>', repeatable: true, help: 'a server whose databases to show, even those never backed up' },
    archive: { value: 'DIR', help: 'the WAL archive of the one --conn server: RPO by its last archived WAL' },
    repo: {
      value: '<repo>',
      repeatable: true,
      help: 'a backup repository (pgbackrest:STANZA): one row for its cluster',
    },
    config: { value: 'FILE', help: "the --repo engine's config file when not its default" },
    rpo: { value: 'DURATION', help: 'the recovery point objective for every database, e.g. 1d, 6h' },
    rto: { value: 'DURATION', help: 'the recovery time objective for every database, e.g. 30m' },
    'require-offsite': {
      help: 'exit 1 also when a database has no verified off-site copy of a backup within its RPO target',
    },
    json: { help: 'print the report as JSON' },
  },
  summary:
    'RPO and RTO per server and database: newest good backup, newest drill, verified off-site copy, verdict per ' +
    'target; exit 1 when a target is missed or never proven, 3 when something could not be read.',
  async run(p, io) {
    if (p.positional.length) throw new PgBackupError(`Unexpected argument "${p.positional[0]}".`, 'usage');
    const conns = flags(p, 'conn');
    const archive = flag(p, 'archive');
    if (archive !== undefined && conns.length !== 1) {
      throw new PgBackupError('--archive DIR is the WAL archive of one server: give exactly one --conn.', 'usage');
    }
    const given = flags(p, 'backups').map((f) => resolve(f));
    // Without --backups, the extension's default folder is read when it exists.
    const defaultFolder = join(homedir(), 'pg-backups');
    const servers = conns.map((c) => {
      const { params, password } = resolveConnArg(c, io.env);
      const label = /^postgres(ql)?:\/\//i.test(c) || c.includes('=') ? serverAddress(params, io.env) : c;
      return { label, params, password, targets: targetSettingsOf(params), archiveDir: archive && resolve(archive) };
    });
    const report = await readStatus({
      backupFolders: given.length ? given : existsSync(defaultFolder) ? [defaultFolder] : [],
      logFolders: [...flags(p, 'log').map((f) => resolve(f)), process.cwd()],
      servers,
      repositories: flags(p, 'repo').map((r) => parseRepoSpec(r, flag(p, 'config'))),
      override: { rpo: flag(p, 'rpo'), rto: flag(p, 'rto') },
      env: io.env,
    });
    const requireOffsite = has(p, 'require-offsite');
    if (has(p, 'json')) io.out(JSON.stringify(report, null, 2));
    else print(io, report, requireOffsite);
    return statusExitCode(report, requireOffsite);
  },
});
