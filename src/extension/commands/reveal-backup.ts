import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';

export const revealBackup = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const entry = await pickBackup(ctx, node);
  if (entry) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(entry.path));
};

export const copyBackupPath = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const entry = await pickBackup(ctx, node);
  if (entry) await vscode.env.clipboard.writeText(entry.path);
};
