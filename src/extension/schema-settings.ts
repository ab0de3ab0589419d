import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { SchemaContentOptions, SchemaLayout } from '../core/schema';

/** pgBackup.schema.* settings: where the schema export goes in the workspace and what it contains. */
export interface SchemaSettings {
  layout: SchemaLayout;
  /** The layout's path as the user wrote it (relative to the workspace folder), for messages and diffs. */
  display: string;
  content: SchemaContentOptions;
  workspaceFolder: vscode.WorkspaceFolder;
  connection?: string;
  database?: string;
  exportOnSave?: string;
}

export function schemaSettings(folder: vscode.WorkspaceFolder): SchemaSettings {
  const cfg = vscode.workspace.getConfiguration('pgBackup.schema', folder.uri);
  const split = cfg.get<string>('layout', 'file') === 'split';
  const display = split ? cfg.get<string>('folder', 'db/schema') : cfg.get<string>('path', 'db/schema.sql');
  const abs = isAbsolute(display) ? display : join(folder.uri.fsPath, display);
  return {
    layout: split ? { kind: 'split', dir: abs } : { kind: 'file', path: abs },
    display,
    content: {
      includeOwners: cfg.get<boolean>('includeOwners', false),
      includePrivileges: cfg.get<boolean>('includePrivileges', false),
      schemas: cfg.get<string[]>('schemas', []),
    },
    workspaceFolder: folder,
    connection: cfg.get<string>('connection') || undefined,
    database: cfg.get<string>('database') || undefined,
    exportOnSave: cfg.get<string>('exportOnSave') || undefined,
  };
}

/** The workspace folder to export into: the only one, or picked. */
export async function pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Export the schema into which folder?' });
}
