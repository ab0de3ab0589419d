import { resolve } from 'node:path';
import { appendDrillLog, type DrillLogFiles } from '../../core/drill/drill-log';
import { logUnreadableDrill, type UnreadableBackupError } from '../../core/drill/unreadable-drill';
import { describePlace } from '../../core/drill/drill-report';
import { runRestoreDrill } from '../../core/drill/restore-drill';
import type { RestoreDrillResult } from '../../core/drill/restore-drill-result';
import { PgBackupError } from '../../core/errors';
import { formatDuration } from '../../core/format';
import { discoverTools } from '../../core/tools/discover';
import { defineCommand, EXIT, type CliIo } from '../command';
import { flag, has, numberFlag } from '../flags';
import { withBackupArg } from '../remote-backup-arg';
import { resolveConnArg } from '../resolve-conn';
import { S3_FLAGS } from '../s3-flags';
import { isRepoArgument } from '../../core/engines/repo-spec';
import { CONFIG_FLAG } from '../repo-arg';
import { runRepoVerify } from '../repo-drill';
import { EXCLUSIVE_FLAG, TARGET_FLAG } from '../target-flag';

const PHASES = [
  ['checksum', 'checksum'],
  ['prepare', 'prepare'],
  ['restore', 'restore'],
  ['compare', 'compare'],
  ['count', 'count rows'],
] as const;

function printReport(io: CliIo, r: RestoreDrillResult, files: DrillLogFiles | undefined): void {
  const phases = PHASES.filter(([k]) => r.phases[k] !== undefined).map(
    ([k, label]) => `${label} ${formatDuration(r.phases[k]!)}`,
  );
  const o = r.objects;
  const lines = [
    `Restore drill ${r.passed ? 'PASSED' : 'FAILED'}: ${r.backup.name}`,
    `  where:    ${describePlace(r.where)}, restored with ${r.tools.restore.name} ${r.tools.restore.version}`,
    `  checksum: ${r.checksum}`,
    `  time:     ${[...phases, `total ${formatDuration(r.durationMs)}`].join(' · ')}`,
    `  tables:   ${r.tables.length.toLocaleString('en-US')}${r.tablesTruncated ? '+' : ''}, ${r.totalRows.toLocaleString('en-US')} rows`,
    o.expected === undefined
      ? `  objects:  ${
          Object.entries(o.counts)
            .map(([k, n]) => `${k.toLowerCase()} ${n}`)
            .join(', ') || 'none'
        }`
      : `  objects:  ${o.expected - (o.missing?.length ?? 0)} of ${o.expected} in the dump's TOC came back`,
    `  errors:   ${r.restore.errorCount}${r.restore.warningCount ? ` (+${r.restore.warningCount} about missing roles, ignored)` : ''}`,
  ];
  if (r.problems.length) lines.push('Problems:', ...r.problems.map((p) => `  - ${p}`));
  if (r.warnings.length) lines.push('Warnings:', ...r.warnings.map((w) => `  - ${w}`));
  if (files) lines.push(`Logged to ${files.markdown}`);
  io.out(lines.join('\n'));
}

export const verifyCommand = defineCommand({
  name: 'verify',
  args: '<file-or-dir-or-s3-url> | <repo>',
  flags: {
    conn: { value: '<conn>', help: 'restore into a scratch database on this server instead of a throwaway cluster' },
    jobs: { value: 'N', min: 1, help: 'parallel pg_restore jobs (custom and directory dumps)' },
    log: { value: 'DIR', help: 'append the drill to DIR/.pgbackup/drills.{jsonl,md} (default: the current folder)' },
    'no-log': { help: 'log nothing' },
    json: { help: 'print the drill result as JSON' },
    ...S3_FLAGS,
    backup: { value: 'LABEL', help: 'a repository (pgbackrest:STANZA): the backup to drill (default the newest)' },
    config: CONFIG_FLAG,
    target: {
      ...TARGET_FLAG,
      required: false,
      help: "a repository: where the drill's recovery stops (default immediate, the backup's consistent end)",
    },
    exclusive: { help: `a repository: ${EXCLUSIVE_FLAG.help}` },
  },
  summary:
    'Restore drill: restore a dump into a throwaway local cluster (or a scratch database on --conn), check what came back, count rows, time it, log it.',
  async run(p, io) {
    if (p.positional.length === 1 && isRepoArgument(p.positional[0])) return runRepoVerify(p, io);
    for (const name of ['backup', 'config', 'target', 'exclusive'])
      if (has(p, name)) throw new PgBackupError(`--${name} is for a repository (pgbackrest:STANZA).`, 'usage');
    if (p.positional.length !== 1) throw new PgBackupError('Name one backup: pg-backup verify <file-or-dir>.', 'usage');
    if (has(p, 'no-log') && flag(p, 'log') !== undefined)
      throw new PgBackupError('--log and --no-log cannot be used together.', 'usage');
    const jobs = numberFlag(p, 'jobs');
    const conn = flag(p, 'conn');
    const server = conn === undefined ? undefined : resolveConnArg(conn, io.env);
    const json = has(p, 'json');
    const logDir = has(p, 'no-log') ? undefined : resolve(flag(p, 'log') ?? process.cwd());
    const result = await withBackupArg(p.positional[0], p, io, async (path) =>
      runRestoreDrill({
        path,
        server,
        toolSets: await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env),
        signal: io.signal,
        onCleanup: io.cleanup,
        onProgress: (step, percent) => io.progress(`Drill ${percent}%: ${step}`),
        ...(jobs !== undefined ? { jobs } : {}),
      }),
    ).catch(async (e: unknown) => {
      // A backup that cannot be read failed its drill: logged, so the status stops counting it; still exit 2.
      const files = logDir === undefined ? undefined : await logUnreadableDrill(logDir, e);
      if (files && json) io.out(JSON.stringify({ ...(e as UnreadableBackupError).drill, log: files }, null, 2));
      else if (files) io.out(`Restore drill FAILED: ${p.positional[0]} could not be read. Logged to ${files.markdown}`);
      throw e;
    });
    // The drill ran: its report is shown even when its log cannot be written, and then that failure (exit 3).
    let logFailure: unknown;
    let files: DrillLogFiles | undefined;
    if (logDir !== undefined) {
      files = await appendDrillLog(logDir, result).catch((e: unknown) => {
        logFailure = e;
        return undefined;
      });
    }
    if (json) io.out(JSON.stringify({ ...result, log: files }, null, 2));
    else printReport(io, result, files);
    if (logFailure) throw logFailure;
    return result.passed ? EXIT.ok : EXIT.difference;
  },
});
