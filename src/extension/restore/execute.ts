import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ArchiveInfo } from '../../core/archive/types';
import { childEnv } from '../../core/connection/child-env';
import { toConninfo } from '../../core/connection/profile';
import { PgBackupError } from '../../core/errors';
import { runTool } from '../../core/process/run-tool';
import { listTargetTables } from '../../core/restore/existing';
import { restoreArgv } from '../../core/restore/options';
import type { PlannedRestore } from '../../core/restore/planner';
import { restoreCommandLine, restoredRowCounts, runRestore, type RestoreProgress, type RestoreSummary } from '../../core/restore/run';
import type { ToolSet } from '../../core/tools/discover';
import { toolPath } from '../../core/tools/pick';
import type { Ctx } from '../context';
import type { RestoreTarget } from './target';
import { qualifiedIdent } from '../../core/connection/identifier';

export interface RestoreOutcome {
  archivePath: string;
  connection: string;
  database: string;
  /** Items pg_restore was asked to run (statements psql was expected to run, for a plain dump). */
  total: number;
  summary: RestoreSummary;
  rowCounts: { table: string; rows: number | null }[];
  commandLine: string;
  listFile?: string;
}

export interface RestoreSink {
  signal: AbortSignal;
  onProgress: (p: RestoreProgress) => void;
}

/** The pg_restore command line as it will run, for the preview (the list file's real path is a temp file). */
export function previewCommandLine(toolSet: ToolSet, info: ArchiveInfo, plan: PlannedRestore, target: RestoreTarget): string {
  return restoreCommandLine(toolPath(toolSet, 'pg_restore'), restoreArgv(plan.options, info.path, toConninfo(target.profile, { database: target.database }), 'restore.list'));
}

/** Runs pg_restore on a plan (list file in a temp folder, password through a temp pgpass), then counts rows. */
export async function runPlannedRestore(ctx: Ctx, info: ArchiveInfo, plan: PlannedRestore, target: RestoreTarget, toolSet: ToolSet, sink: RestoreSink): Promise<RestoreOutcome> {
  const { profile, database } = target;
  const dir = await mkdtemp(join(tmpdir(), 'pg-backup-restore-'));
  const env = await childEnv(await ctx.connections.password(profile));
  try {
    const listFile = join(dir, 'restore.list');
    await writeFile(listFile, plan.listFile);
    const pgRestore = toolPath(toolSet, 'pg_restore');
    const args = restoreArgv(plan.options, info.path, toConninfo(profile, { database }), listFile);
    const summary = await runRestore({ pgRestore, args, env: env.env, signal: sink.signal, total: plan.total, onProgress: sink.onProgress, log: (l) => ctx.log.command(l) });
    const rowCounts = await ctx.connections.with(profile, { database }, (c) => restoredRowCounts(c, plan));
    return { archivePath: info.path, connection: profile.name, database, total: plan.total, summary, rowCounts, commandLine: restoreCommandLine(pgRestore, args), listFile: plan.listFile };
  } finally {
    await env.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Statements psql will report: lines that start one, counted without loading the file whole. */
async function countStatements(file: string): Promise<number> {
  let n = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (/^(CREATE|ALTER|COPY|SELECT|SET|COMMENT|GRANT|REVOKE|INSERT|DROP)\b/.test(line)) n++;
  return n;
}

/**
 * A plain SQL dump, whole, with psql: `psql -X -v ON_ERROR_STOP=1 -f file`. Each command tag psql prints on
 * stdout is one item done; the first error stops it, and comes back in the summary with its line.
 */
export async function runPlainRestore(ctx: Ctx, path: string, target: RestoreTarget, toolSet: ToolSet, sink: RestoreSink): Promise<RestoreOutcome> {
  const { profile, database } = target;
  const psql = toolPath(toolSet, 'psql');
  const args = ['-X', '-v', 'ON_ERROR_STOP=1', '-f', path, `--dbname=${toConninfo(profile, { database })}`];
  const total = await countStatements(path);
  const restored: string[] = [];
  const started = Date.now();
  const env = await childEnv(await ctx.connections.password(profile));
  let summary: RestoreSummary;
  try {
    await runTool({
      file: psql,
      args,
      env: env.env,
      signal: sink.signal,
      log: (l) => ctx.log.command(l),
      onStdoutLine: (line) => {
        restored.push(line);
        sink.onProgress({ done: Math.min(restored.length, total), total, current: line });
      },
    });
    summary = { restored, errors: [], durationMs: Date.now() - started, exitCode: 0 };
  } catch (e) {
    if (!(e instanceof PgBackupError) || e.kind !== 'tool-failed') throw e;
    const errors = (e.detail ?? e.message).split('\n').filter((l) => /ERROR:|FATAL:/.test(l)).map((message) => ({ dumpId: null, message }));
    summary = { restored, errors: errors.length ? errors : [{ dumpId: null, message: e.message }], durationMs: Date.now() - started, exitCode: 3 };
  } finally {
    await env.dispose();
  }
  const rowCounts = await ctx.connections.with(profile, { database }, async (c) => {
    const out: { table: string; rows: number | null }[] = [];
    for (const table of [...(await listTargetTables(c))].sort()) {
      const [schema, name] = [table.slice(0, table.indexOf('.')), table.slice(table.indexOf('.') + 1)];
      out.push({ table, rows: await c.query(`select count(*) as n from ${qualifiedIdent(schema, name)}`).then((r) => Number(r.rows[0].n)).catch(() => null) });
    }
    return out;
  });
  return { archivePath: path, connection: profile.name, database, total, summary, rowCounts, commandLine: restoreCommandLine(psql, args) };
}
