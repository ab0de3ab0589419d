import * as vscode from 'vscode';
import { readBaseBackup } from '../../core/physical/base-backup-info';
import type { Ctx } from '../context';
import { repositoryPanelKey } from '../../common/pitr-protocol';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { PitrPanel } from '../webview/pitr-panel';

/** From the palette: a base backup the Backups tree lists, or any folder. */
async function pickBaseBackupFolder(ctx: Ctx): Promise<string | undefined> {
  const listed = (await ctx.backupsTree.all()).filter((e) => e.kind === 'basebackup');
  const other = { label: '$(folder) Choose a base backup folder…', dir: undefined as string | undefined };
  const picked = await vscode.window.showQuickPick(
    [
      ...listed.map((e) => ({
        label: e.name,
        description: [e.base?.label?.label, e.serverVersion && `PostgreSQL ${e.serverVersion}`, e.format]
          .filter(Boolean)
          .join(' · '),
        detail: e.path,
        dir: e.path as string | undefined,
      })),
      other,
    ],
    { placeHolder: 'The base backup to recover from', matchOnDetail: true },
  );
  if (!picked) return undefined;
  if (picked.dir) return picked.dir;
  const uri = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: 'The base backup folder',
    openLabel: 'Recover from this backup',
  });
  return uri?.[0]?.fsPath;
}

/**
 * Opens the PITR builder for a base backup: the Backups tree's node, a folder path (tests, other commands), or
 * one picked from the palette; or for a backup in a connection's repository (its row in the Backups view), whose
 * facts the panel reads from the engine. Returns the panel.
 */
export const openPitrBuilder =
  (ctx: Ctx) =>
  async (arg?: BackupsTreeNode | string): Promise<PitrPanel | undefined> => {
    if (typeof arg === 'object' && arg.kind === 'repoBackup')
      return PitrPanel.show(ctx, repositoryPanelKey(arg.connection, arg.backup.label));
    const dir =
      typeof arg === 'string' ? arg : arg?.kind === 'backup' ? arg.entry.path : await pickBaseBackupFolder(ctx);
    if (!dir) return undefined;
    await readBaseBackup(dir); // a folder that is not a base backup is refused here, not in an empty panel
    return PitrPanel.show(ctx, dir);
  };
