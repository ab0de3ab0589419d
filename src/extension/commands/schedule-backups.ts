import { join } from 'node:path';
import * as vscode from 'vscode';
import { safeFileName } from '../../core/dump/naming';
import { shQuote } from '../../core/pitr/quote';
import { generateSchedule, parseEvery, type GeneratedSchedule, type ScheduleKind } from '../../core/schedule';
import { backupFolders } from '../backup-folders';
import { savedConnection, type Ctx, type Headless } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickDatabase } from '../ui/pick-database';
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
}

type Choice<T> = vscode.QuickPickItem & { value: T };

async function pick<T>(title: string, items: Choice<T>[]): Promise<T | undefined> {
  return (await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }))?.value;
}

type ScheduleForm = Pick<ScheduleBackupsArgs, 'every' | 'at' | 'kind' | 'keep'>;

/** When, how many to keep, cron or systemd: the schedule's questions, each validated as it is typed. */
async function scheduleForm(title: string): Promise<ScheduleForm | undefined> {
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
  return { ...cadence, kind, keep: Number(keepText) };
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
  const form = await scheduleForm(`Schedule backups of ${database}`);
  if (!form) return undefined;
  const dir = await chooseFolder(join(backupFolders(ctx.config)[0], safeFileName(database)));
  if (!dir) return undefined;
  const generated = await scheduleBackups(ctx)({ connection: profile.name, database, ...form, dir });
  await vscode.window.showTextDocument(vscode.Uri.file(generated.scriptPath), { preview: false });
  const command = `cd ${shQuote(dir)} && ${generated.installCommand}`;
  const choice = await vscode.window.showInformationMessage(
    `Backup job ${generated.job} written (${parseEvery(form.every, form.at).text}, keeping ${form.keep}). ` +
      `It reads the password from ~/.pgpass when it runs. To install it: ${command}`,
    'Copy Install Command',
    'Show Log',
  );
  if (choice === 'Copy Install Command') await vscode.env.clipboard.writeText(command);
  if (choice === 'Show Log') ctx.log.show();
  return generated;
};
