import { rm } from 'node:fs/promises';
import * as vscode from 'vscode';
import { sidecarPath } from '../../core/dump/naming';
import { formatBytes } from '../../core/format';
import type { Ctx } from '../context';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';

/** Deletes a backup (and its sidecar) after a modal that names the file. */
export const deleteBackup = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const entry = await pickBackup(ctx, node);
  if (!entry) return;
  const ok = await vscode.window.showWarningMessage(
    `Delete the backup "${entry.name}"?`,
    {
      modal: true,
      detail: `${entry.path}\n${formatBytes(entry.sizeBytes)}, taken ${entry.created.toLocaleString()}${entry.database ? `, database ${entry.database}` : ''}.\nThis cannot be undone.`,
    },
    'Delete',
  );
  if (ok !== 'Delete') return;
  await rm(entry.path, { recursive: true, force: true });
  await rm(sidecarPath(entry.path), { force: true });
  ctx.log.info(`Deleted backup ${entry.path}`);
  ctx.backupsTree.refresh();
};
