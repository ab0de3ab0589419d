import * as vscode from 'vscode';
import { formatBytes, formatDuration } from '../../core/format';
import type { CopyResult } from '../../core/offsite/types';
import type { Ctx, Headless } from '../context';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';
import { withCancellableProgress } from '../ui/progress';
import { copyToTarget } from './core';
import { offsiteDestination } from './destinations';
import { OffsiteKeys } from './keys';
import { pickDestination } from './pick-destination';
import { verifyAndShow } from './verify-offsite';
import { offsiteTarget } from './target';

export interface CopyOffsiteArgs {
  /** A local backup: a dump (any format) or a base backup. */
  path: string;
  /** A destination's name in `pgBackup.offsite.destinations`. */
  destination: string;
}

/** Copies a backup and its sidecar to a destination (multipart, sha256 sent along); the sidecar records the copy. */
export const copyOffsite: Headless<CopyOffsiteArgs, CopyResult> = (ctx) => async (args, progress) => {
  const target = await offsiteTarget(new OffsiteKeys(ctx.extension.secrets), offsiteDestination(args.destination));
  const result = await copyToTarget(args.path, target, progress);
  ctx.log.info(`${copyLine(args.path, args.destination, result)} → ${result.location}`);
  ctx.backupsTree.refresh();
  return result;
};

/** The result as it is: bytes, time, and whether anyone checked the sha256. */
function copyLine(path: string, destination: string, r: CopyResult): string {
  const name = path.replace(/\/+$/, '').split('/').pop();
  const rate = r.durationMs > 0 ? ` (${formatBytes((r.bytes * 1000) / r.durationMs)}/s)` : '';
  const checked = r.storeChecked
    ? 'the sha256 was checked on arrival'
    : 'the store did not check a sha256 (Verify Off-site Copy reads it back)';
  return `Copied ${name} to ${destination}: ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs)}${rate}; ${checked}.`;
}

const VERIFY = 'Verify Off-site Copy';

export const copyOffsiteUi = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const entry = await pickBackup(ctx, node, undefined, 'Copy Off-site');
  if (!entry) return undefined;
  const d = await pickDestination(`Copy ${entry.name} off-site`);
  if (!d) return undefined;
  const args = { path: entry.path, destination: d.name };
  const result = await withCancellableProgress(`Copying ${entry.name} to ${d.name}`, (p) => copyOffsite(ctx)(args, p));
  const picked = await vscode.window.showInformationMessage(copyLine(entry.path, d.name, result), VERIFY);
  if (picked === VERIFY) await verifyAndShow(ctx, { location: result.location, destination: d.name, path: entry.path });
  return result;
};
