import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { safeFileName } from '../../core/dump/naming';
import { shQuote } from '../../core/pitr/quote';
import {
  generateSchedule,
  parseEvery,
  type GeneratedSchedule,
  type ScheduleKind,
  type ScheduleVerify,
  type VerifyWhen,
} from '../../core/schedule';
import { cliRuntime } from '../../core/schedule/cli-runtime';
import { backupFolders } from '../backup-folders';
import { savedConnection, type Ctx, type Headless } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickDatabase } from '../ui/pick-database';
import { chooseWhere } from './run-restore-drill';
import { markWalkthroughDone } from '../walkthrough';

/** The headless part's arguments (tests, other commands). */
export interface ScheduleBackupsArgs {
  connection: string;
  database: string;
  every: string;
  at?: string;
  kind: ScheduleKind;
  keep: number;
  dir: string;
  /** A restore drill of each new dump (every) or of the first of each day/week, by the extension's own CLI. */
  verify?: {
    when: VerifyWhen;
    /** A saved connection for a scratch database; else a throwaway cluster. */ connection?: string;
  };
}

type Choice<T> = vscode.QuickPickItem & { value: T };

async function pick<T>(title: string, items: Choice<T>[]): Promise<T | undefined> {
  return (await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }))?.value;
}

type ScheduleForm = Pick<ScheduleBackupsArgs, 'every' | 'at' | 'kind' | 'keep' | 'verify'>;

/** When, how many to keep, cron or systemd: the schedule's questions, each validated as it is typed. */
async function scheduleForm(ctx: Ctx, title: string): Promise<ScheduleForm | undefined> {
  const when = await pick(`${title}: how often`, [
    { label: 'Daily', value: 'daily', description: 'at a time of day you choose' },
    { label: 'Weekly', value: 'weekly', description: 'Sundays, at a time of day you choose' },
    { label: 'Hourly', value: 'hourly', description: 'at a minute past each hour you choose' },
    { label: 'Cron expression…', value: 'cron', description: 'minute hour day-of-month month day-of-week' },
  ]);
  if (!when) return undefined;
  const check = (text: string, at?: string) => {
    try {
      parseEvery(text, at);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  let cadence: Pick<ScheduleForm, 'every' | 'at'>;
  if (when === 'cron') {
    const text = await vscode.window.showInputBox({
      title: `${title}: cron expression`,
      value: '0 2 * * *',
      ignoreFocusOut: true,
      validateInput: (v) => check(v),
    });
    if (text === undefined) return undefined;
    cadence = { every: text };
  } else {
    const hourly = when === 'hourly';
    const at = await vscode.window.showInputBox({
      title: `${title}: ${hourly ? 'minute past the hour' : 'time of day (HH:MM, 24-hour)'}`,
      value: hourly ? '15' : '02:00',
      ignoreFocusOut: true,
      validateInput: (v) => check(when, v),
    });
    if (at === undefined) return undefined;
    cadence = { every: when, at };
  }
  const every = parseEvery(cadence.every, cadence.at);
  const keepText = await vscode.window.showInputBox({
    title: `${title}: how many backups to keep`,
    value: '7',
    prompt: 'The newest this many stay; older ones are removed after each good run.',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'A whole number of at least 1.'),
  });
  if (keepText === undefined) return undefined;
  const kind = await pick<ScheduleKind>(`${title}: run by`, [
    { label: 'cron', value: 'cron', description: 'a crontab line (Linux, macOS)' },
    {
      label: 'systemd timer',
      value: 'systemd',
      description: 'a service + timer unit (Linux); logs in the journal',
      detail: every.onCalendar ? `OnCalendar=${every.onCalendar}` : every.calendarProblem,
    },
  ]);
  if (!kind) return undefined;
  const verify = await verifyForm(ctx, title);
  if (verify === undefined) return undefined;
  return { ...cadence, kind, keep: Number(keepText), ...(verify ? { verify } : {}) };
}

/** Whether (and where) the job proves its dumps with a restore drill; false for none, undefined when cancelled. */
async function verifyForm(ctx: Ctx, title: string): Promise<ScheduleBackupsArgs['verify'] | false | undefined> {
  const when = await pick<VerifyWhen | 'none'>(`${title}: prove the backups restore`, [
    {
      label: 'Daily restore drill',
      value: 'daily',
      description: 'the first good dump of each day is restored and checked',
    },
    { label: 'Weekly restore drill', value: 'weekly', description: 'the first good dump of each week' },
    { label: 'Drill every backup', value: 'every', description: 'each good dump, right after it is written' },
    { label: 'No restore drill', value: 'none', description: 'only the sha256 is recorded' },
  ]);
  if (!when) return undefined;
  if (when === 'none') return false;
  const place = await chooseWhere(ctx, `${title}: restore drill`, undefined, await ctx.tools.all());
  if (!place) return undefined;
  return { when, ...(place.profile ? { connection: place.profile.name } : {}) };
}

/**
 * The drill's settings: the job runs this extension's own CLI (dist/cli.js) with this host's runtime, by absolute
 * path; when an update moves the extension, the job stops at its start with a line saying to schedule it again.
 * Drills are logged in the backup folder that holds `dir`, where the Backups view and the status read them.
 */
function scheduleVerify(ctx: Ctx, args: ScheduleBackupsArgs): ScheduleVerify | undefined {
  if (!args.verify) return undefined;
  const scratch = args.verify.connection === undefined ? undefined : savedConnection(ctx, args.verify.connection);
  const logDir = backupFolders(ctx.config).find((f) => args.dir === f || args.dir.startsWith(f + sep));
  return {
    when: args.verify.when,
    ...(scratch ? { conn: scratch } : {}),
    ...(logDir ? { logDir } : {}),
    ...cliRuntime(),
    cli: join(ctx.extension.extensionPath, 'dist', 'cli.js'),
    regenerate: `in VS Code, run "Schedule Backups…" for ${args.database} on ${args.connection} again (the extension moved, e.g. after an update)`,
  };
}

async function chooseFolder(suggested: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: `$(folder) Use ${suggested}`, id: 'ok' },
      { label: '$(folder-opened) Choose another folder…', id: 'other' },
    ],
    {
      placeHolder: 'The folder the backups go to (the script and schedule files are written there too)',
      ignoreFocusOut: true,
    },
  );
  if (!picked) return undefined;
  if (picked.id === 'ok') return suggested;
  const uris = await vscode.window.showOpenDialog({
    defaultUri: vscode.Uri.file(suggested),
    canSelectFiles: false,
    canSelectFolders: true,
    openLabel: 'Back up into this folder',
  });
  return uris?.[0]?.fsPath;
}

/**
 * Writes a scheduled backup job (script + crontab line or systemd units) for a database into `dir`. The job reads
 * its password from ~/.pgpass when it runs: a password saved in VS Code is used only now, to read the server version.
 */
export const scheduleBackups: Headless<ScheduleBackupsArgs, GeneratedSchedule> = (ctx) => async (args) => {
  const { database, dir } = args;
  const profile = savedConnection(ctx, args.connection);
  const generated = await generateSchedule({
    params: { ...profile, database },
    password: await ctx.connections.password(profile),
    every: parseEvery(args.every, args.at),
    kind: args.kind,
    keep: args.keep,
    dir,
    options: { format: 'custom' },
    toolSets: await ctx.tools.all(),
    verify: scheduleVerify(ctx, args),
  });
  ctx.log.info(`Scheduled backups of ${database}: ${generated.files.join(', ')}`);
  for (const step of generated.install) ctx.log.info(`  ${step}`);
  await markWalkthroughDone(ctx.extension, 'scheduleWritten');
  return generated;
};

/** The database, the schedule's questions and the folder; then the script opens and the message says how to install. */
export const scheduleBackupsUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const target = await pickDatabase(ctx, node, 'Choose the database to back up on a schedule');
  if (!target) return undefined;
  const { profile, database } = target;
  const form = await scheduleForm(ctx, `Schedule backups of ${database}`);
  if (!form) return undefined;
  const dir = await chooseFolder(join(backupFolders(ctx.config)[0], safeFileName(database)));
  if (!dir) return undefined;
  const generated = await scheduleBackups(ctx)({ connection: profile.name, database, ...form, dir });
  await vscode.window.showTextDocument(vscode.Uri.file(generated.scriptPath), { preview: false });
  const command = `cd ${shQuote(dir)} && ${generated.installCommand}`;
  const choice = await vscode.window.showInformationMessage(
    `Backup job ${generated.job} written (${parseEvery(form.every, form.at).text}, keeping ${form.keep}` +
      `${form.verify ? `, ${form.verify.when === 'every' ? 'drilling every backup' : `a ${form.verify.when} restore drill`}` : ''}). ` +
      `It reads the password from ~/.pgpass when it runs. To install it: ${command}`,
    'Copy Install Command',
    'Show Log',
  );
  if (choice === 'Copy Install Command') await vscode.env.clipboard.writeText(command);
  if (choice === 'Show Log') ctx.log.show();
  return generated;
};
