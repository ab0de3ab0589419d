import * as vscode from 'vscode';
import type { Ctx, Headless } from '../context';
import { isRemoteBackupNode } from '../tree/offsite-nodes';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';
import { showError } from '../ui/errors';
import { withCancellableProgress } from '../ui/progress';
import { readCopies } from '../tree/offsite-nodes';
import type { CopyCheck } from '../../core/offsite/types';
import { describeCheck } from '../../core/offsite/verify-copy';
import { readBackCopy } from './core';
import { offsiteDestination, offsiteDestinations } from './destinations';
import { OffsiteKeys } from './keys';
import { offsiteTarget } from './target';

export interface VerifyOffsiteArgs {
  /** The copy: `s3://bucket/prefix/name` or its path in a folder destination. */
  location: string;
  destination: string;
  /** The local backup it is a copy of: its sidecar records the outcome. */
  path?: string;
}

/** Reads a copy back and compares its sha256 with the sidecar's; the local sidecar keeps the verdict. */
export const verifyOffsite: Headless<VerifyOffsiteArgs, CopyCheck> = (ctx) => async (args, progress) => {
  const target = await offsiteTarget(new OffsiteKeys(ctx.extension.secrets), offsiteDestination(args.destination));
  const result = await readBackCopy(args.location, target, progress, args.path);
  if (result.ok) ctx.log.info(`Off-site copy OK: ${describeCheck(result).join(' ')}`);
  else ctx.log.error(`Off-site copy MISMATCH: ${describeCheck(result).join(' ')}`);
  ctx.backupsTree.refresh();
  return result;
};

/** Runs the read-back in a progress notification and says the verdict (both sums when they differ). */
export async function verifyAndShow(ctx: Ctx, args: VerifyOffsiteArgs): Promise<CopyCheck | undefined> {
  const name = args.location.replace(/\/+$/, '').split('/').pop();
  try {
    const r = await withCancellableProgress(`Reading back ${name} from ${args.destination}`, (p) =>
      verifyOffsite(ctx)(args, p),
    );
    if (r.ok)
      void vscode.window.showInformationMessage(`Off-site copy OK: ${name} on ${args.destination} matches its sha256.`);
    else
      void vscode.window.showErrorMessage(
        `Off-site copy MISMATCH on ${args.destination}: ${describeCheck(r).join(' ')} Do not rely on it.`,
      );
    return r;
  } catch (e) {
    await showError(ctx.log, e);
    return undefined;
  }
}

/** The local backup whose sidecar records a copy at `location`, if it is still listed. */
async function copiedFrom(ctx: Ctx, location: string): Promise<string | undefined> {
  const name = location.replace(/\/+$/, '').split('/').pop();
  for (const e of (await ctx.backupsTree.all()).filter((b) => b.name === name))
    if ((await readCopies(e)).some((c) => c.location === location)) return e.path;
  return undefined;
}

/** On a remote backup: that copy (and its local backup's record). On a local one: its copy (picked when it has several). */
export const verifyOffsiteUi = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  if (isRemoteBackupNode(node)) {
    const { location } = node.remote;
    return verifyAndShow(ctx, { location, destination: node.destination.name, path: await copiedFrom(ctx, location) });
  }
  const entry = await pickBackup(
    ctx,
    node,
    (e) => e.kind === 'basebackup' || !!e.sidecar?.copies?.length,
    'Verify Off-site Copy',
  );
  if (!entry) return undefined;
  const recorded = node?.kind === 'backup' && node.copies ? node.copies : await readCopies(entry);
  const names = new Map(offsiteDestinations().map((d) => [d.url.replace(/\/+$/, ''), d.name]));
  const copies = recorded.flatMap((c) => {
    const destination = names.get(c.destination.replace(/\/+$/, ''));
    return destination
      ? [{ label: destination, description: c.location, detail: `copied ${c.copiedAt}`, destination, c }]
      : [];
  });
  if (!copies.length) {
    void vscode.window.showWarningMessage(`${entry.name} has no copy at a destination in the settings.`);
    return undefined;
  }
  const picked =
    copies.length === 1 ? copies[0] : await vscode.window.showQuickPick(copies, { title: 'Verify Off-site Copy' });
  if (!picked) return undefined;
  return verifyAndShow(ctx, { location: picked.c.location, destination: picked.destination, path: entry.path });
};
