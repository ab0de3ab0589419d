import * as vscode from 'vscode';
import { recordVerification } from '../../core/backups/verification';
import { verifyChecksum as verify, type ChecksumReport } from '../../core/dump/sidecar';
import type { Ctx } from '../context';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';

/**
 * Recomputes the sha256 of a dump (each file of a directory dump), compares it with the sidecar and keeps the
 * outcome there, so the Backups view tells "verified 2 h ago" (or a mismatch) from merely recorded.
 */
export const verifyChecksum =
  (ctx: Ctx) =>
  async (node?: BackupsTreeNode): Promise<ChecksumReport | undefined> => {
    const entry = await pickBackup(ctx, node, (e) => e.kind === 'dump');
    if (!entry) return undefined;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying ${entry.name}…` },
      () => verify(entry.path),
    );
    await recordVerification(entry.path, report);
    ctx.backupsTree.refresh();
    if (report.ok) {
      ctx.log.info(`Checksum OK: ${entry.path}`);
      void vscode.window.showInformationMessage(`Checksum OK: ${entry.name} is exactly as it was written.`);
    } else {
      const what = [
        report.changed.length ? `changed: ${report.changed.join(', ') || entry.name}` : '',
        report.missing.length ? `missing: ${report.missing.join(', ')}` : '',
        report.added.length ? `added: ${report.added.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      ctx.log.error(`Checksum MISMATCH for ${entry.path}: ${what}`);
      void vscode.window.showErrorMessage(
        `Checksum mismatch: ${entry.name} is not what was written (${what}). Do not rely on this backup.`,
      );
    }
    return report;
  };
