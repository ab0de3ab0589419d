import * as vscode from 'vscode';
import { PgBackupError } from '../../core/errors';

/** What the gate throws: shown as a warning with "Manage Workspace Trust" (see showFailure). */
export class UntrustedWorkspaceError extends PgBackupError {
  constructor(reason: string) {
    super(`${reason}, which PostgreSQL Backup does not do in an untrusted workspace.`, 'usage');
    this.name = 'UntrustedWorkspaceError';
  }
}

/**
 * The one trust gate. In an untrusted workspace the folder's settings could point client tools (pg_dump,
 * pg_restore, pg_basebackup, psql) and connections anywhere, so whatever starts a process or connects to a server
 * passes here first. `reason` says what it would do, e.g. "Dumping a database runs pg_dump".
 */
export function requireTrust(reason: string): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(reason);
}
