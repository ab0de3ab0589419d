import * as vscode from 'vscode';
import type { ArchiveInfo } from '../../core/archive/types';
import type { ConnectionProfile } from '../../core/connection/profile';
import { serverInfo } from '../../core/connection/server-info';
import { PgBackupError } from '../../core/errors';
import { pickRestoreTools } from '../../core/restore/tool-version';
import type { ToolSet } from '../../core/tools/discover';
import type { Ctx } from '../context';

/** The newest pg_restore, refused (PgBackupError 'tool-version', naming both versions) when the archive is newer. */
export async function restoreTools(ctx: Ctx, info: ArchiveInfo): Promise<ToolSet> {
  return pickRestoreTools(await ctx.tools.all(), info);
}

/** psql for a plain dump: the tool set matching the target server. */
export async function psqlTools(ctx: Ctx, profile: ConnectionProfile): Promise<ToolSet> {
  const server = await ctx.connections.with(profile, { interactive: true }, serverInfo);
  return ctx.tools.forServer(server.major, server.version, 'psql');
}

/**
 * Warns and stops when no usable pg_restore exists (an archive from a newer pg_dump is a hard no). Returns
 * false for other errors, which the caller shows as errors.
 */
export async function warnToolProblem(e: unknown): Promise<boolean> {
  if (!(e instanceof PgBackupError) || (e.kind !== 'tool-version' && e.kind !== 'tool-missing')) return false;
  const pick = await vscode.window.showWarningMessage(
    e.hint ? `${e.message} ${e.hint}` : e.message,
    'Show Client Tools',
  );
  if (pick) await vscode.commands.executeCommand('pgBackup.showClientTools');
  return true;
}
