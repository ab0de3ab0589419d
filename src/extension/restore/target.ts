import { mkdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { TocEntry } from '../../core/archive/types';
import type { ConnectionProfile } from '../../core/connection/profile';
import { dropOwnDatabase } from '../../core/connection/drop-database';
import { listDatabases, serverInfo } from '../../core/connection/server-info';
import { defaultBackupPath, dumpDatabase } from '../../core/dump';
import { CancelledError, errorMessage } from '../../core/errors';
import { findExisting, type Queryable } from '../../core/restore/existing';
import { destructivePreflight, preflightLines } from '../../core/restore/preflight';
import type { PlannedRestore } from '../../core/restore/planner';
import { backupFolders } from '../backup-folders';
import type { Ctx } from '../context';
import { quoteIdent } from '../../core/connection/identifier';
import { withCancellableProgress } from '../ui/progress';
import type { RestoreOutcome } from './execute';

/** Where a restore goes: a database on a saved connection, new (created first) or existing. */
export interface RestoreTarget {
  profile: ConnectionProfile;
  database: string;
  kind: 'new' | 'existing';
}

/** CREATE DATABASE copies this one: what a new target will hold before the restore. */
const NEW_DATABASE_TEMPLATE = 'template1';

/** "shop_restored", or "shop_restored_2"… when that name is taken: a new database never overwrites one. */
export function suggestNewDatabaseName(base: string | null | undefined, taken: readonly string[]): string {
  const stem = `${(base || 'restored').slice(0, 50)}_restored`;
  const used = new Set(taken);
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** The existing database a restore goes to by default: the dump's own if the server has it, else the first non-system one. */
export function defaultExistingDatabase(
  dumpDatabase: string | null | undefined,
  names: readonly string[],
): string | undefined {
  if (dumpDatabase && names.includes(dumpDatabase)) return dumpDatabase;
  return names.find((n) => n !== 'postgres') ?? names[0];
}

export const databaseNames = (ctx: Ctx, profile: ConnectionProfile, interactive = false): Promise<string[]> =>
  ctx.connections.with(profile, { interactive }, async (c) => (await listDatabases(c)).map((d) => d.name));

/** Runs `fn` on the target database, or for a new one on the template CREATE DATABASE will copy. */
export function withPlanningTarget<T>(ctx: Ctx, target: RestoreTarget, fn: (c: Queryable) => Promise<T>): Promise<T> {
  const database = target.kind === 'new' ? NEW_DATABASE_TEMPLATE : target.database;
  return ctx.connections.with(target.profile, { database }, fn);
}

/** Dump ids of the entries whose objects exist in the target (a new database: in its template). */
export const existingInTarget = (ctx: Ctx, target: RestoreTarget, entries: readonly TocEntry[]): Promise<Set<number>> =>
  withPlanningTarget(ctx, target, (c) => findExisting(c, entries));

/** SQLSTATE object_in_use: CREATE DATABASE found a session in its template (PostgreSQL waits 5 s for it first). */
const OBJECT_IN_USE = '55006';

/**
 * CREATE DATABASE on the connection's own database (CREATE DATABASE cannot run inside the target itself). A
 * picker reading the template (what a new database holds) can be in it at that moment: tried again a few times.
 */
async function createDatabase(ctx: Ctx, profile: ConnectionProfile, name: string): Promise<void> {
  const sql = `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(NEW_DATABASE_TEMPLATE)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.connections.with(profile, {}, (c) => c.query(sql));
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== OBJECT_IN_USE || attempt === 4) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  ctx.log.info(`Created database ${name} on ${profile.name} for the restore.`);
}

/** Drops a database this restore created; false (and logged) when it could not. */
async function dropCreated(ctx: Ctx, target: RestoreTarget, why: string): Promise<boolean> {
  try {
    await ctx.connections.with(target.profile, {}, async (c) =>
      dropOwnDatabase(c, target.database, (await serverInfo(c)).major),
    );
    ctx.log.info(`Dropped ${target.database} on ${target.profile.name}: its restore ${why}.`);
    return true;
  } catch (dropError) {
    ctx.log.error(`Could not drop ${target.database} after the restore ${why}: ${errorMessage(dropError)}`);
    return false;
  }
}

/**
 * Runs a restore into `target`, creating it first when it is new. A new database whose restore was cancelled
 * or failed holds only part of the backup: it is dropped again (we made it; nothing else is in it), and the
 * message or the outcome says so, or says that it stays when it could not be dropped.
 */
export async function restoreInto(
  ctx: Ctx,
  target: RestoreTarget,
  run: () => PromiseLike<RestoreOutcome>,
): Promise<RestoreOutcome> {
  if (target.kind === 'existing') return run();
  await createDatabase(ctx, target.profile, target.database);
  let outcome: RestoreOutcome;
  try {
    outcome = await run();
  } catch (e) {
    const dropped = await dropCreated(ctx, target, e instanceof CancelledError ? 'was cancelled' : 'failed');
    if (!(e instanceof CancelledError)) throw e;
    const what = `The restore into the new database "${target.database}"`;
    throw new CancelledError(
      `${what} (${dropped ? 'dropped again, it held only part of the backup' : 'it stays, with what was restored before the cancel'})`,
    );
  }
  if (outcome.report.verdict !== 'failed') return outcome;
  const droppedAgain = await dropCreated(ctx, target, 'failed');
  const after = droppedAgain
    ? 'The new database was dropped again.'
    : 'The new database stays, with what was restored.';
  return { ...outcome, droppedAgain, report: { ...outcome.report, headline: `${outcome.report.headline} ${after}` } };
}

/** The modal's buttons: the first is the default, so the destructive choice is never first. */
const DUMP_FIRST = 'Dump the Target First, Then Restore';

/**
 * The pre-flight before touching an existing database or running --clean: a modal naming the target, listing
 * what will be dropped (with the rows tables hold now), what depends on it, and what is skipped, offering a
 * safety dump of the target first (the default button with --clean). A new database needs no question.
 * Returns false when the user said no; a safety dump runs before it returns true.
 */
export async function confirmTarget(ctx: Ctx, target: RestoreTarget, plan?: PlannedRestore): Promise<boolean> {
  const clean = !!plan?.options.clean;
  if (target.kind === 'new' && !clean) return true;
  const where = `"${target.database}" on ${target.profile.name}`;
  const pre =
    plan && target.kind === 'existing'
      ? await withPlanningTarget(ctx, target, (c) => destructivePreflight(c, plan))
      : undefined;
  const detail = [
    target.kind === 'existing'
      ? `The database ${where} already exists; the restore writes into it.`
      : `The restore creates ${where}.`,
    ...(pre ? preflightLines(pre) : []),
    clean && !pre?.drops.length ? '--clean will find nothing of the selection to drop there.' : '',
  ]
    .filter(Boolean)
    .join('\n');
  const go = clean && target.kind === 'existing' ? 'Drop and Restore Without a Dump' : 'Restore';
  const buttons = target.kind === 'new' ? [go] : clean ? [DUMP_FIRST, go] : [go, DUMP_FIRST];
  const title =
    target.kind === 'existing' ? `Restore into the existing database ${where}?` : `Restore with --clean into ${where}?`;
  const picked = await vscode.window.showWarningMessage(title, { modal: true, detail }, ...buttons);
  if (picked === DUMP_FIRST) await dumpTarget(ctx, target);
  return picked !== undefined;
}

/** The safety backup: a custom-format dump of the target into the first backup folder, before anything is dropped. */
async function dumpTarget(ctx: Ctx, target: RestoreTarget): Promise<void> {
  const folder = backupFolders(ctx.config)[0];
  await mkdir(folder, { recursive: true });
  const out = defaultBackupPath(folder, target.database, 'custom');
  const password = await ctx.connections.password(target.profile);
  const params = { ...target.profile, database: target.database };
  await withCancellableProgress(`Dumping ${target.database} before the restore`, (p) =>
    dumpDatabase({
      params,
      password,
      options: { format: 'custom' },
      out,
      signal: p.signal,
      log: (l) => ctx.log.info(l),
    }),
  );
  ctx.log.info(`Safety backup of ${target.database} written to ${out} before the restore.`);
  ctx.backupsTree.refresh();
}
