/** `pg-backup verify <repo>`: a drill of a repository backup (src/core/engines/repo-drill.ts), printed and logged. */
import { resolve } from 'node:path';
import type { DrillLogFiles } from '../core/drill/drill-log';
import { appendRepoDrillLog, runRepoDrill, type RepoDrillResult } from '../core/engines/repo-drill';
import { PgBackupError } from '../core/errors';
import { formatDuration } from '../core/format';
import { describeTarget } from '../core/pitr/model';
import { discoverTools } from '../core/tools/discover';
import { EXIT, type CliIo } from './command';
import { flag, has, type ParsedArgs } from './flags';
import { repoArgument } from './repo-arg';
import { inclusiveFlag, targetFlag } from './target-flag';

function report(r: RepoDrillResult, files: DrillLogFiles | undefined): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    `Repository drill ${r.passed ? 'PASSED' : 'FAILED'}: ${r.backup.path} ${r.backup.name} (${r.backup.type})`,
    `  where:    a throwaway PostgreSQL server, restored with ${r.engine.name} ${r.engine.version}`,
    `  target:   ${describeTarget(r.target, r.inclusive)}, ${r.reachedTarget ? 'reached' : 'NOT reached'}; recovery ${r.end}${r.recoveryEndedAt ? ` at ${r.recoveryEndedAt}` : ''}`,
    `  time:     ${formatDuration(r.durationMs)}`,
    `  tables:   ${n(r.tables.length)}${r.tablesTruncated ? '+' : ''}, ${n(r.totalRows)} rows`,
    ...r.tables.slice(0, 20).map((t) => `    ${t.database}.${t.schema}.${t.name}: ${n(t.rows)}`),
    ...(r.tables.length > 20 ? [`    … and ${r.tables.length - 20} more`] : []),
    ...(r.problems.length ? ['Problems:', ...r.problems.map((p) => `  - ${p}`)] : []),
    ...(files ? [`Logged to ${files.markdown}`] : []),
  ];
}

export async function runRepoVerify(p: ParsedArgs, io: CliIo): Promise<number> {
  const repo = repoArgument(p, 'verify');
  for (const name of ['conn', 'jobs'])
    if (has(p, name))
      throw new PgBackupError(`--${name} is for dumps: a repository drill runs a throwaway server.`, 'usage');
  if (has(p, 'no-log') && flag(p, 'log') !== undefined)
    throw new PgBackupError('--log and --no-log cannot be used together.', 'usage');
  const label = flag(p, 'backup');
  const target = targetFlag(p) ?? { kind: 'immediate' };
  const inclusive = inclusiveFlag(p, target);
  const result = await runRepoDrill({
    repo,
    ...(label ? { label } : {}),
    target,
    inclusive,
    toolSets: await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env),
    signal: io.signal,
    onProgress: (step, percent) => io.progress(`Drill ${Math.round(percent)}%: ${step}`),
  });
  // The drill ran: its report is shown even when its log cannot be written, and then that failure (exit 3).
  let logFailure: unknown;
  let files: DrillLogFiles | undefined;
  if (!has(p, 'no-log')) {
    files = await appendRepoDrillLog(resolve(flag(p, 'log') ?? process.cwd()), result).catch((e: unknown) => {
      logFailure = e;
      return undefined;
    });
  }
  io.out(has(p, 'json') ? JSON.stringify({ ...result, log: files }, null, 2) : report(result, files).join('\n'));
  if (logFailure) throw logFailure;
  return result.passed ? EXIT.ok : EXIT.difference;
}
