import * as vscode from 'vscode';
import { readCheckedArchive } from '../../core/archive/read-archive';
import { archiveReport, baseBackupReport } from '../../core/backups/inspect-report';
import type { Ctx } from '../context';
import { showReport } from '../read-only-documents';
import { pickBackup } from '../ui/pick-backup';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { showError } from '../ui/errors';

/** Opens a readable summary: header facts and the table of contents (a plain dump opens as it is). */
export const inspectBackup = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const entry = await pickBackup(ctx, node);
  if (!entry) return;
  try {
    if (entry.kind === 'dump' && entry.format === 'plain') {
      await vscode.window.showTextDocument(vscode.Uri.file(entry.path), { preview: true });
      return;
    }
    const content = entry.kind === 'basebackup' && entry.base ? baseBackupReport(entry.base, entry.sizeBytes) : archiveReport(await readCheckedArchive(entry.path), entry.sidecar, entry.sizeBytes);
    await showReport(ctx.documents, `Inspect ${entry.name}`, content);
  } catch (e) {
    await showError(ctx.log, e);
  }
};
