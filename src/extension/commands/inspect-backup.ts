import * as vscode from 'vscode';
import { readCheckedArchive } from '../../core/archive/read-archive';
import { archiveReport, baseBackupReport } from '../../core/backups/inspect-report';
import type { Ctx } from '../context';
import { showReport } from '../read-only-documents';
import { pickBackup } from '../ui/pick-backup';
import type { BackupsTreeNode } from '../tree/backups-tree';

/** Opens a readable summary, rendered: header facts and the table of contents (a plain dump opens as it is). */
export const inspectBackup =
  (ctx: Ctx) =>
  async (node?: BackupsTreeNode): Promise<vscode.Uri | undefined> => {
    const entry = await pickBackup(ctx, node, undefined, 'Inspect Backup');
    if (!entry) return undefined;
    if (entry.kind === 'dump' && entry.format === 'plain') {
      await vscode.window.showTextDocument(vscode.Uri.file(entry.path), { preview: true });
      return vscode.Uri.file(entry.path);
    }
    const content =
      entry.kind === 'basebackup' && entry.base
        ? baseBackupReport(entry.base, entry.sizeBytes)
        : archiveReport(await readCheckedArchive(entry.path), entry.sidecar, entry.sizeBytes);
    return await showReport(ctx.documents, `Inspect ${entry.name}`, content);
  };
