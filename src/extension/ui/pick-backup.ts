import * as vscode from 'vscode';
import type { BackupEntry } from '../../core/backups/catalog';
import { formatBytes } from '../../core/format';
import type { Ctx } from '../context';
import type { BackupsTreeNode } from '../tree/backups-tree';

/** The backup a command acts on: the tree node, or one picked from every listed backup (palette), titled `title`. */
export async function pickBackup(
  ctx: Ctx,
  node?: BackupsTreeNode,
  filter: (e: BackupEntry) => boolean = () => true,
  title?: string,
): Promise<BackupEntry | undefined> {
  if (node?.kind === 'backup') return node.entry;
  const all = (await ctx.backupsTree.all()).filter(filter);
  if (!all.length) {
    void vscode.window.showInformationMessage(`No backup found in ${ctx.backupsTree.folders().join(', ')}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((entry) => ({
      label: entry.name,
      description: `${entry.database ?? ''} · ${entry.format} · ${formatBytes(entry.sizeBytes)}`,
      detail: entry.path,
      entry,
    })),
    { title, placeHolder: 'Choose a backup', matchOnDetail: true },
  );
  return picked?.entry;
}
