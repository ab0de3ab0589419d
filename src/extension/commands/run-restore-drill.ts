import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import { detectArchiveFormat } from '../../core/archive/detect';
import { restoresInParallel } from '../../core/restore/options';
import { appendDrillLog } from '../../core/drill/drill-log';
import { logUnreadableDrill } from '../../core/drill/unreadable-drill';
import { drillHeadline, drillLogLine, drillReport } from '../../core/drill/drill-report';
import { versionMajor } from '../../core/tools/discover';
import { runRestoreDrill as runDrill } from '../../core/drill/restore-drill';
import type { RestoreDrillResult } from '../../core/drill/restore-drill-result';
import { drillToolSet } from '../../core/drill/server-tools';
import type { ToolSet } from '../../core/tools/discover';
import { savedConnection, type Ctx, type Headless } from '../context';
import { showReport } from '../read-only-documents';
import type { BackupsTreeNode } from '../tree/backups-tree';
import { pickBackup } from '../ui/pick-backup';
import { withCancellableProgress } from '../ui/progress';
import { markWalkthroughDone } from '../walkthrough';

/** The headless part's arguments (tests, other commands): the arguments are the consent. */
export interface RunRestoreDrillArgs {
  path: string;
  /** A saved connection's name: restore into a scratch database there. Omitted: a throwaway local cluster. */
  connection?: string;
  /** Where `.pgbackup/` goes; default the first workspace folder, else the backup's folder. */
  logDir?: string;
}

/** Where the drill restores: a saved connection, or undefined for a throwaway local cluster. */
export type Place = { profile?: ConnectionProfile };

/** Asks where to restore: a throwaway cluster when a fitting server is installed, or any saved connection. */
export async function chooseWhere(
  ctx: Ctx,
  title: string,
  serverVersion: string | undefined,
  sets: readonly ToolSet[],
): Promise<Place | undefined> {
  const items: (vscode.QuickPickItem & Place)[] = [];
  // A plain dump without a sidecar names no server version: any installed server will do.
  const major = versionMajor(serverVersion);
  try {
    if (process.platform !== 'win32')
      items.push({
        label: `A throwaway local cluster (PostgreSQL ${drillToolSet(sets, major ?? 0, 'same-or-newer').major})`,
        detail: 'initdb in a temporary folder, removed after the drill',
      });
  } catch {
    // no fitting server installed: only saved connections are offered
  }
  for (const { profile } of ctx.config.connections()) {
    items.push({
      label: `A scratch database on ${profile.name}`,
      description: describeParams(profile),
      detail: 'created for the drill and dropped after it',
      profile,
    });
  }
  if (!items.length) {
    void vscode.window.showWarningMessage(
      `A restore drill needs a PostgreSQL ${major ?? ''} server${major ? ' (or newer)' : ''} installed here (initdb and pg_ctl), or a saved connection to restore into.`,
    );
    return undefined;
  }
  const placeHolder = 'Where should the drill restore the backup?';
  return vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
}

async function report(ctx: Ctx, r: RestoreDrillResult): Promise<void> {
  const show = r.passed ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  if ((await show(drillHeadline(r), 'Show Report')) !== 'Show Report') return;
  await showReport(ctx.documents, `Restore drill ${r.backup.name}`, drillReport(r));
}

/**
 * Restore drill of a dump (issue: prove a backup restores, time it, log it): on a throwaway local cluster or in a
 * scratch database on a saved connection; logged to `.pgbackup/drills.jsonl` and `drills.md`.
 */
export const runRestoreDrill: Headless<RunRestoreDrillArgs, RestoreDrillResult> = (ctx) => async (args, progress) => {
  const { path } = args;
  const profile = args.connection === undefined ? undefined : savedConnection(ctx, args.connection);
  const server = profile && { params: profile, password: await ctx.connections.password(profile) };
  // The setting applies where pg_restore can use it; tar and plain dumps restore serially whatever it says.
  // A file that is not a dump at all is the drill's to refuse (and log as failed), below.
  const format = await detectArchiveFormat(path).catch(() => undefined);
  const jobs = format && restoresInParallel(format) ? ctx.config.drillJobs() : undefined;
  const logDir = args.logDir ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(path);
  const result = await runDrill({
    path,
    server,
    toolSets: await ctx.tools.all(),
    signal: progress?.signal,
    onProgress: (step, percent) => progress?.report(percent, step),
    log: (line) => ctx.log.command(line),
    jobs,
  }).catch(async (e: unknown) => {
    const files = await logUnreadableDrill(logDir, e);
    if (files) {
      ctx.log.info(`Restore drill failed: ${path} could not be read (logged to ${files.markdown})`);
      ctx.backupsTree.refresh();
    }
    throw e;
  });
  const files = await appendDrillLog(logDir, result);
  ctx.log.info(`${drillLogLine(result)} (logged to ${files.markdown})`);
  ctx.backupsTree.refresh();
  if (result.passed) await markWalkthroughDone(ctx.extension, 'drillPassed');
  return result;
};

/** The dump, then where to restore it; the headline offers the report. */
export const runRestoreDrillUi = (ctx: Ctx) => async (node?: BackupsTreeNode) => {
  const entry = await pickBackup(ctx, node, (e) => e.kind === 'dump', 'Run Restore Drill');
  if (!entry) return undefined;
  const place = await chooseWhere(ctx, `Restore drill: ${entry.name}`, entry.serverVersion, await ctx.tools.all());
  if (!place) return undefined;
  // Restore into a saved connection: opening it once first asks for a password if it needs one (and saves it).
  if (place.profile) await ctx.connections.with(place.profile, { interactive: true }, async () => undefined);
  const drill = runRestoreDrill(ctx);
  const args = { path: entry.path, connection: place.profile?.name };
  const result = await withCancellableProgress(`Restore drill: ${entry.name}`, (p) => drill(args, p));
  void report(ctx, result);
  return result;
};
