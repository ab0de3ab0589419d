/** `pgbackrest verify` (checksums of the repository's files against its manifests) and `pgbackrest expire`. */
import type { EngineRunOptions, RepoSpec } from '../types';
import { runPgbackrest } from './run';

/** `P00 INFO: backup '20261202-032332F' … invalid/missing` style lines of verify at log level info. */
const VERIFY_PROBLEM = /\b(invalid|missing|error|checksum mismatch)\b/i;
const VERIFY_RESULT = /\bINFO: ((?:stanza|archiveId|backup)[^:]*:.*)$/;

export async function verifyPgbackrest(
  repo: RepoSpec,
  o: EngineRunOptions & { label?: string } = {},
): Promise<{ ok: boolean; message: string }> {
  const results: string[] = [];
  o.onProgress?.(undefined, 'Verifying the repository');
  await runPgbackrest({
    repo,
    command: 'verify',
    step: 'verify',
    args: ['--log-level-console=info', ...(o.label ? [`--set=${o.label}`] : [])],
    env: o.env,
    signal: o.signal,
    log: o.log,
    onLine: (line) => {
      o.onLine?.(line);
      const m = VERIFY_RESULT.exec(line);
      if (m) results.push(m[1]);
    },
  });
  const problems = results.filter((r) => VERIFY_PROBLEM.test(r) && !/\b(invalid|missing)[^,]*: 0\b/.test(r));
  const what = o.label ? `backup ${o.label} and its WAL` : 'every backup and the WAL archive';
  return problems.length
    ? { ok: false, message: problems.join('; ') }
    : { ok: true, message: `pgBackRest verified ${what}: every file matches its checksum.` };
}

/** Labels in `expire full backup set 20261202-032332F, 20261202-032332F_20261202-032336I` lines. */
const EXPIRE_LINE = /\bexpire (?:full|diff|incr) backup(?: set)?:? (.*)$/;
const LABEL = /\d{8}-\d{6}F(?:_\d{8}-\d{6}[DI])?/g;

export function expiredLabels(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const m = EXPIRE_LINE.exec(l);
    if (m) out.push(...(m[1].match(LABEL) ?? []));
  }
  return [...new Set(out)];
}

export async function expirePgbackrest(
  repo: RepoSpec,
  o: EngineRunOptions & { dryRun?: boolean } = {},
): Promise<{ removed: string[] }> {
  const lines: string[] = [];
  o.onProgress?.(undefined, o.dryRun ? 'Listing what expire would remove' : 'Expiring backups past retention');
  await runPgbackrest({
    repo,
    command: 'expire',
    step: 'expire',
    args: ['--log-level-console=info', ...(o.dryRun ? ['--dry-run'] : [])],
    env: o.env,
    signal: o.signal,
    log: o.log,
    onLine: (line) => {
      lines.push(line);
      o.onLine?.(line);
    },
  });
  return { removed: expiredLabels(lines) };
}
