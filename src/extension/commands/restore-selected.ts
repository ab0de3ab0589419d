import * as vscode from 'vscode';
import { PLAIN_DUMP_ADVICE, detectArchiveFormat } from '../../core/archive/detect';
import { readCheckedArchive } from '../../core/archive/read-archive';
import { PgBackupError } from '../../core/errors';
import { validateRestoreOptions, type RestoreOptions } from '../../core/restore/options';
import { parseSelectSpec, resolveSpec } from '../../core/restore/selection';
import { buildTocIndex } from '../../core/restore/toc-index';
import type { Ctx } from '../context';
import { runPlannedRestore, type RestoreOutcome } from '../restore/execute';
import { planSelection } from '../restore/plan-selection';
import { restoreInto, withPlanningTarget, type RestoreTarget } from '../restore/target';
import { restoreTools } from '../restore/tools';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';
import { withCancellableProgress } from '../ui/progress';
import { RestorePanel } from '../webview/restore-panel';
import { progressSink } from './restore-backup';

/** Arguments for running without the picker (tests, other commands): `select` as `KIND:SCHEMA.NAME` specs. */
export interface RestoreSelectedArgs {
  path: string;
  connection: string;
  database: string;
  select: string[];
  withDependents?: boolean;
  /** Create `database` first (default); false restores into the existing database. */
  newDatabase?: boolean;
  options?: RestoreOptions;
}

/** Without UI: resolve the specs, plan against the target, create it if new, run. */
async function restoreDirect(ctx: Ctx, a: RestoreSelectedArgs): Promise<RestoreOutcome> {
  const info = await readCheckedArchive(a.path);
  const toolSet = await restoreTools(ctx, info);
  const index = buildTocIndex(info.toc.entries());
  const chosen = a.select.flatMap((s) => resolveSpec(index, parseSelectSpec(s)));
  const options = a.options ?? {};
  validateRestoreOptions(options, info.format);
  const profile = ctx.connections.find(a.connection);
  if (!profile) throw new PgBackupError(`No saved connection named "${a.connection}".`, 'usage');
  const target: RestoreTarget = { profile, database: a.database, kind: a.newDatabase === false ? 'existing' : 'new' };
  const request = {
    archive: info,
    index,
    chosen,
    excluded: new Set<number>(),
    withDependents: a.withDependents ?? true,
    options,
  };
  const plan = await withPlanningTarget(ctx, target, (c) => planSelection({ ...request, target: c }));
  return restoreInto(ctx, target, () =>
    withCancellableProgress(`Restoring ${plan.total} item(s) into ${a.database}`, (p) =>
      runPlannedRestore(ctx, info, plan, target, toolSet, progressSink(p)),
    ),
  );
}

/**
 * "Restore Selected Objects…" (issue 5): opens the picker on a custom, tar or directory dump. A plain dump is
 * a script psql runs whole, so it explains that and offers to open it or restore it whole.
 */
export const restoreSelected =
  (ctx: Ctx) =>
  async (arg?: BackupsTreeNode | RestoreSelectedArgs): Promise<RestoreOutcome | RestorePanel | undefined> => {
    if (arg && 'path' in arg) return restoreDirect(ctx, arg);
    const entry = await pickBackup(ctx, arg, (e) => e.kind === 'dump');
    if (!entry) return undefined;
    if ((await detectArchiveFormat(entry.path)) === 'plain') {
      const pick = await vscode.window.showInformationMessage(
        `${entry.name} is a plain SQL dump: pg_restore cannot restore parts of it.`,
        {
          modal: true,
          detail: `${PLAIN_DUMP_ADVICE} Dumps in custom, directory or tar format can be restored object by object.`,
        },
        'Open',
        'Restore Whole with psql',
      );
      if (pick === 'Open') await vscode.window.showTextDocument(vscode.Uri.file(entry.path));
      if (pick === 'Restore Whole with psql')
        await vscode.commands.executeCommand('pgBackup.restoreBackup', { kind: 'backup', entry });
      return undefined;
    }
    return RestorePanel.show(ctx, entry.path);
  };
