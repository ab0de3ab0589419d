import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { dropOwnDatabase } from '../../core/connection/drop-database';
import { listDatabases, serverInfo } from '../../core/connection/server-info';
import { CancelledError, errorMessage } from '../../core/errors';
import { listTargetTables } from '../../core/restore/existing';
import type { Ctx } from '../context';
import { quoteIdent } from '../../core/connection/identifier';

/** Where a restore goes: a database on a saved connection, new (created first) or existing. */
export interface RestoreTarget {
  profile: ConnectionProfile;
  database: string;
  kind: 'new' | 'existing';
}

/** "shop_restored", or "shop_restored_2"… when that name is taken: a new database never overwrites one. */
export function suggestNewDatabaseName(base: string | null | undefined, taken: readonly string[]): string {
  const stem = `${(base || 'restored').slice(0, 50)}_restored`;
  const used = new Set(taken);
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

export const databaseNames = (ctx: Ctx, profile: ConnectionProfile, interactive = false): Promise<string[]> =>
  ctx.connections.with(profile, { interactive }, async (c) => (await listDatabases(c)).map((d) => d.name));

export const targetTables = (ctx: Ctx, profile: ConnectionProfile, database: string): Promise<Set<string>> =>
  ctx.connections.with(profile, { database }, listTargetTables);

/** CREATE DATABASE on the connection's own database (CREATE DATABASE cannot run inside the target itself). */
async function createDatabase(ctx: Ctx, profile: ConnectionProfile, name: string): Promise<void> {
  await ctx.connections.with(profile, {}, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  ctx.log.info(`Created database ${name} on ${profile.name} for the restore.`);
}

/**
 * Runs a restore into `target`, creating it first when it is new. A new database the restore was cancelled in
 * holds only part of the backup: it is dropped again (we made it; nothing else is in it), and the cancel's
 * message says so, or says that it stays when it could not be dropped.
 */
export async function restoreInto<T>(ctx: Ctx, target: RestoreTarget, run: () => PromiseLike<T>): Promise<T> {
  if (target.kind === 'existing') return run();
  await createDatabase(ctx, target.profile, target.database);
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    let dropped = true;
    try {
      await ctx.connections.with(target.profile, {}, async (c) => dropOwnDatabase(c, target.database, (await serverInfo(c)).major));
      ctx.log.info(`Dropped ${target.database} on ${target.profile.name}: its restore was cancelled.`);
    } catch (dropError) {
      dropped = false;
      ctx.log.error(`Could not drop ${target.database} after the cancel: ${errorMessage(dropError)}`);
    }
    const what = `The restore into the new database "${target.database}"`;
    throw new CancelledError(`${what} (${dropped ? 'dropped again, it held only part of the backup' : 'it stays, with what was restored before the cancel'})`);
  }
}

/**
 * Asks before touching an existing database or running --clean: a modal naming the target and listing what
 * will be dropped (`drops`). A new database needs no question. Returns true to go ahead.
 */
export async function confirmTarget(target: RestoreTarget, clean: boolean, drops: readonly string[], skipped: number): Promise<boolean> {
  if (target.kind === 'new' && !clean) return true;
  const where = `"${target.database}" on ${target.profile.name}`;
  const shown = drops.slice(0, 25);
  const detail = [
    target.kind === 'existing' ? `The database ${where} already exists; the restore writes into it.` : `The restore creates ${where}.`,
    clean && drops.length ? `--clean drops and recreates ${drops.length} object(s) there first:\n${shown.map((d) => `  • ${d}`).join('\n')}${drops.length > shown.length ? `\n  … and ${drops.length - shown.length} more` : ''}` : '',
    clean && !drops.length ? '--clean will find nothing of the selection to drop there.' : '',
    !clean && skipped ? `${skipped} object(s) of the selection already exist there and are skipped.` : '',
  ].filter(Boolean).join('\n\n');
  const go = clean ? 'Drop and Restore' : 'Restore';
  const title = target.kind === 'existing' ? `Restore into the existing database ${where}?` : `Restore with --clean into ${where}?`;
  const picked = await vscode.window.showWarningMessage(title, { modal: true, detail }, go);
  return picked === go;
}
