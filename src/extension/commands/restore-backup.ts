import { basename } from 'node:path';
import * as vscode from 'vscode';
import { detectArchiveFormat } from '../../core/archive/detect';
import { readCheckedArchive } from '../../core/archive/read-archive';
import type { ArchiveInfo } from '../../core/archive/types';
import { PgBackupError } from '../../core/errors';
import { validateRestoreOptions, type RestoreOptions } from '../../core/restore/options';
import { planRestore } from '../../core/restore/planner';
import type { Ctx } from '../context';
import { showReport } from '../read-only-documents';
import { runPlainRestore, runPlannedRestore, type RestoreOutcome, type RestoreSink } from '../restore/execute';
import { plannedDrops } from '../restore/plan-selection';
import { chooseOptions, chooseTarget } from '../restore/restore-form';
import { summaryMarkdown } from '../restore/summary';
import { confirmTarget, restoreInto, type RestoreTarget } from '../restore/target';
import { psqlTools, restoreTools, warnToolProblem } from '../restore/tools';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { showError } from '../ui/errors';
import { pickBackup } from '../ui/pick-backup';
import { pickConnection } from '../ui/pick-connection';
import { withCancellableProgress } from '../ui/progress';
import { requireTrust } from '../ui/trust';

/** Arguments for running the command without its UI (tests, other commands): the arguments are the consent. */
export interface RestoreBackupArgs {
  path: string;
  connection: string;
  database: string;
  /** Create `database` first (default); false restores into the existing database. */
  newDatabase?: boolean;
  options?: RestoreOptions;
}

/** Maps the core's restore progress to the notification's percent and message. */
export function progressSink(p: { signal: AbortSignal; report(percent: number, message?: string): void }): RestoreSink {
  return { signal: p.signal, onProgress: (e) => p.report(e.total ? (100 * e.done) / e.total : 0, `${e.done}/${e.total} · ${e.current}`) };
}

/** Shows the summary as a markdown document, and a one-line result. */
async function showSummary(ctx: Ctx, outcome: RestoreOutcome): Promise<void> {
  await showReport(ctx.documents, `Restore into ${outcome.database}`, summaryMarkdown(outcome));
  const s = outcome.summary;
  const line = `Restored ${basename(outcome.archivePath)} into ${outcome.database}: ${s.restored.length} object(s)${s.errors.length ? `, ${s.errors.length} error(s)` : ''}.`;
  if (s.errors.length) void vscode.window.showWarningMessage(line);
  else void vscode.window.showInformationMessage(line);
}

/**
 * Full restore of a dump (issue 3): into a new database by default, or an existing one after a modal naming
 * it; archives with pg_restore (progress in items, existing objects skipped or, with clean, recreated), plain
 * dumps whole with psql. Returns the outcome (tests read row counts from it).
 */
export const restoreBackup = (ctx: Ctx) => async (arg?: BackupsTreeNode | RestoreBackupArgs): Promise<RestoreOutcome | undefined> => {
  const direct = arg && 'path' in arg ? arg : undefined;
  try {
    if (!direct && !(await requireTrust('Restoring a backup'))) return undefined;
    const path = direct ? direct.path : (await pickBackup(ctx, arg as BackupsTreeNode | undefined, (e) => e.kind === 'dump'))?.path;
    if (!path) return undefined;
    const format = await detectArchiveFormat(path);
    const info: ArchiveInfo | undefined = format === 'plain' ? undefined : await readCheckedArchive(path);
    const archiveTools = info ? await restoreTools(ctx, info) : undefined;

    const profile = direct ? ctx.connections.find(direct.connection) : await pickConnection(ctx, undefined, 'Restore into which server?');
    if (!profile) {
      if (direct) throw new PgBackupError(`No saved connection named "${direct.connection}".`, 'usage');
      return undefined;
    }
    const target: RestoreTarget | undefined = direct ? { profile, database: direct.database, kind: direct.newDatabase === false ? 'existing' : 'new' } : await chooseTarget(ctx, profile, info?.database);
    if (!target) return undefined;
    const title = `Restoring ${basename(path)} into ${target.database}`;

    if (!info) {
      const toolSet = await psqlTools(ctx, profile);
      if (!direct && !(await confirmTarget(target, false, [], 0))) return undefined;
      const outcome = await restoreInto(ctx, target, () => withCancellableProgress(title, (p) => runPlainRestore(ctx, path, target, toolSet, progressSink(p))));
      if (!direct) await showSummary(ctx, outcome);
      return outcome;
    }

    const options = direct ? (direct.options ?? {}) : await chooseOptions(info.format, target);
    if (!options) return undefined;
    validateRestoreOptions(options, info.format);
    const plan =
      target.kind === 'existing'
        ? await ctx.connections.with(profile, { database: target.database }, (c) => planRestore({ archive: info, select: [], withDependents: false, options, target: c }))
        : await planRestore({ archive: info, select: [], withDependents: false, options });
    for (const n of plan.notes) ctx.log.info(n);
    const skipped = plan.items.filter((i) => i.action === 'skip').length;
    if (!direct && !(await confirmTarget(target, !!plan.options.clean, plannedDrops(plan), skipped))) return undefined;
    const outcome = await restoreInto(ctx, target, () => withCancellableProgress(title, (p) => runPlannedRestore(ctx, info, plan, target, archiveTools!, progressSink(p))));
    if (!direct) await showSummary(ctx, outcome);
    return outcome;
  } catch (e) {
    if (direct) throw e;
    if (!(await warnToolProblem(e))) await showError(ctx.log, e);
    return undefined;
  }
};
