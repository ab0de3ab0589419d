import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { Config } from './config';

/**
 * The folders the Backups tree lists and the dump command writes to (the first). Relative paths are resolved
 * against the first workspace folder. The default is ~/pg-backups: outside any repository, so a dump full of
 * data is never committed by accident.
 */
export function backupFolders(config: Config): string[] {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const configured = config.backupFolders().map((f) => f.replace(/^~(?=$|[\\/])/, homedir()));
  const resolved = configured
    .map((f) => (isAbsolute(f) ? f : ws ? join(ws, f) : undefined))
    .filter((f): f is string => !!f);
  return resolved.length ? [...new Set(resolved)] : [join(homedir(), 'pg-backups')];
}
