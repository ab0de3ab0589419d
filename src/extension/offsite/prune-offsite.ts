import * as vscode from 'vscode';
import { PgBackupError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import type { RemoteBackup } from '../../core/offsite/types';
import type { Ctx, Headless } from '../context';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { withCancellableProgress } from '../ui/progress';
import { applyPrune, planPrune, type PrunePlan } from './core';
import { offsiteDestination, type OffsiteDestination } from './destinations';
import { OffsiteKeys } from './keys';
import { pickDestination } from './pick-destination';
import { offsiteTarget } from './target';

export interface PruneOffsiteArgs {
  destination: string;
  /** Keep the last N copies of each database. */
  keep?: number;
  /** Keep copies made in the last N days. */
  keepDays?: number;
  /** Only plan (the default for the UI's first step). */
  dryRun?: boolean;
}

export interface PruneOffsiteResult {
  plan: PrunePlan;
  deleted: RemoteBackup[];
}

/** Logs what a prune deleted and redraws the view. */
function pruned(ctx: Ctx, deleted: RemoteBackup[]): RemoteBackup[] {
  for (const b of deleted) ctx.log.info(`Pruned off-site copy ${b.location}`);
  ctx.backupsTree.refresh();
  return deleted;
}

/** Plans a prune by the rule, and (unless a dry run) deletes what the plan deletes. */
export const pruneOffsite: Headless<PruneOffsiteArgs, PruneOffsiteResult> = (ctx) => async (args, progress) => {
  if (args.keep === undefined && args.keepDays === undefined)
    throw new PgBackupError('Prune needs keep (the last N) or keepDays (N days), or both.', 'usage');
  const target = await offsiteTarget(new OffsiteKeys(ctx.extension.secrets), offsiteDestination(args.destination));
  const plan = await planPrune(target, { keep: args.keep, keepDays: args.keepDays }, progress?.signal);
  if (args.dryRun) return { plan, deleted: [] };
  return { plan, deleted: pruned(ctx, await applyPrune(plan, target, progress)) };
};

/** "keep 7", "7d", "keep 7, 30d": the last N and/or N days. */
function parseRule(text: string): { keep?: number; keepDays?: number } | undefined {
  const rule: { keep?: number; keepDays?: number } = {};
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const days = /^(\d+)d(ays?)?$/i.exec(part);
    if (days) rule.keepDays = Number(days[1]);
    else if (/^\d+$/.test(part)) rule.keep = Number(part);
    else if (!/^keep$/i.test(part)) return undefined;
  }
  return rule.keep !== undefined || rule.keepDays !== undefined ? rule : undefined;
}

function planText(plan: PrunePlan): string {
  const gone = plan.items.filter((i) => i.action === 'delete');
  const bytes = gone.reduce((n, i) => n + i.backup.sizeBytes, 0);
  const lines = gone.slice(0, 15).map((i) => `− ${i.backup.name} (${i.reason})`);
  if (gone.length > 15) lines.push(`… and ${gone.length - 15} more`);
  const kept = plan.items.length - gone.length;
  return `${lines.join('\n')}\n\n${kept} cop${kept === 1 ? 'y stays' : 'ies stay'}; ${formatBytes(bytes)} freed.`;
}

/** On a destination group: the rule, the dry-run plan in a modal, then the deletions. */
export const pruneOffsiteUi = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const d: OffsiteDestination | undefined =
    node?.kind === 'offsiteGroup' ? node.destination : await pickDestination('Prune Off-site');
  if (!d) return undefined;
  const text = await vscode.window.showInputBox({
    title: `Prune ${d.name}`,
    prompt: 'Keep the last N copies of each database and/or those of the last N days ("7", "30d", "7 30d")',
    value: '7',
    ignoreFocusOut: true,
    validateInput: (v) => (parseRule(v) ? undefined : 'A number (the last N), Nd (days), or both.'),
  });
  const rule = text === undefined ? undefined : parseRule(text);
  if (!rule) return undefined;
  const prune = pruneOffsite(ctx);
  const { plan } = await withCancellableProgress(`Planning the prune of ${d.name}`, (p) =>
    prune({ destination: d.name, ...rule, dryRun: true }, p),
  );
  const count = plan.items.filter((i) => i.action === 'delete').length;
  if (!count) {
    void vscode.window.showInformationMessage(`Nothing to prune on ${d.name}: every copy is kept by the rule.`);
    return { plan, deleted: [] };
  }
  const go = `Delete ${count} Cop${count === 1 ? 'y' : 'ies'}`;
  const answer = await vscode.window.showWarningMessage(
    `Prune ${d.name}?`,
    { modal: true, detail: planText(plan) },
    go,
  );
  if (answer !== go) return undefined;
  // Exactly the plan the modal showed is applied (a fresh plan could differ from what the user agreed to).
  const target = await offsiteTarget(new OffsiteKeys(ctx.extension.secrets), d);
  const deleted = await withCancellableProgress(`Pruning ${d.name}`, (p) => applyPrune(plan, target, p));
  const result = { plan, deleted: pruned(ctx, deleted) };
  void vscode.window.showInformationMessage(`Pruned ${result.deleted.length} copies from ${d.name}.`);
  return result;
};
