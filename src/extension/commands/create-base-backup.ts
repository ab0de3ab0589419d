import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { serverInfo } from '../../core/connection/server-info';
import { safeFileName, timestampForName } from '../../core/dump/naming';
import { formatBytes, formatDuration } from '../../core/format';
import type { BaseBackupOptions } from '../../core/physical/basebackup-argv';
import { takeBaseBackup, type BaseBackupResult } from '../../core/physical/basebackup';
import { backupFolders } from '../backup-folders';
import { savedConnection, type Ctx, type Headless } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';
import { withCancellableProgress } from '../ui/progress';

/** The headless part's arguments (tests, other commands). */
export interface CreateBaseBackupArgs {
  connection: string;
  options: BaseBackupOptions;
  out?: string;
}

type Choice<T> = vscode.QuickPickItem & { value: T };

async function pick<T>(title: string, items: Choice<T>[]): Promise<T | undefined> {
  return (await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }))?.value;
}

/** Compression choices the installed pg_basebackup accepts for this format (15+ has lz4/zstd and server-side). */
function compressionChoices(format: BaseBackupOptions['format'], toolMajor: number): Choice<string>[] {
  const none = { label: 'None', value: 'none' };
  if (toolMajor < 15)
    return format === 'tar' ? [none, { label: 'gzip', value: 'gzip', description: 'base.tar.gz' }] : [none];
  if (format === 'plain') {
    return [
      none,
      ...['gzip', 'lz4', 'zstd'].map((a) => ({
        label: `server-${a}`,
        value: `server-${a}`,
        description: 'compresses the transfer only; files land uncompressed',
      })),
    ];
  }
  return [
    none,
    ...['gzip', 'lz4', 'zstd'].map((a) => ({
      label: a,
      value: a,
      description: `base.tar.${a === 'gzip' ? 'gz' : a === 'zstd' ? 'zst' : a}`,
    })),
    { label: 'server-zstd', value: 'server-zstd', description: 'compressed on the server: less network' },
  ];
}

async function backupForm(
  title: string,
  toolMajor: number,
  defaultLabel: string,
): Promise<BaseBackupOptions | undefined> {
  const format = await pick<BaseBackupOptions['format']>(`${title}: format`, [
    {
      label: 'Plain',
      value: 'plain',
      description: 'a data directory, checked with pg_verifybackup',
      detail: 'Ready to start a server from, and what the PITR builder restores fastest.',
    },
    {
      label: 'Tar',
      value: 'tar',
      description: 'base.tar + pg_wal.tar, optionally compressed',
      detail: 'One file per tablespace: easier to move and store.',
    },
  ]);
  if (!format) return undefined;
  const compress = await pick(`${title}: compression`, compressionChoices(format, toolMajor));
  if (!compress) return undefined;
  const checkpoint = await pick<'fast' | 'spread'>(`${title}: checkpoint`, [
    { label: 'Fast', value: 'fast', description: 'starts now; a burst of writes on the server' },
    {
      label: 'Spread',
      value: 'spread',
      description: 'waits for a paced checkpoint (up to checkpoint_timeout); gentle on a busy server',
    },
  ]);
  if (!checkpoint) return undefined;
  const label = await vscode.window.showInputBox({
    title: `${title}: label`,
    value: defaultLabel,
    prompt: 'Written into backup_label; shown in the Backups tree.',
    ignoreFocusOut: true,
    validateInput: (v) => (/[\r\n]/.test(v) ? 'One line.' : v.length > 1000 ? 'Too long.' : undefined),
  });
  if (label === undefined) return undefined;
  return { format, compress, checkpoint, label: label || undefined };
}

async function chooseFolder(suggested: string): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: `$(save) Write to ${suggested}`, id: 'ok' },
      { label: '$(folder) Choose another folder…', id: 'other' },
    ],
    { placeHolder: 'Where to write the base backup (a new folder)', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.id === 'ok') return suggested;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(suggested),
    saveLabel: 'Create this folder',
    title: 'Base backup folder',
  });
  return uri?.fsPath;
}

const phaseText = { copy: 'copying', verify: 'verifying with pg_verifybackup', done: 'done' } as const;

const suggestedFolder = (ctx: Ctx, profile: ConnectionProfile, now: Date) =>
  join(backupFolders(ctx.config)[0], `${safeFileName(profile.name)}-base-${timestampForName(now)}`);

/** The one-line result: logged by the headless part, shown by the UI part. */
const summaryOf = (profile: ConnectionProfile, result: BaseBackupResult) =>
  `Base backup of ${profile.name} written to ${result.dir} in ${formatDuration(result.durationMs)}` +
  `${result.verified ? ', verified with pg_verifybackup' : ''}.`;

/** pg_basebackup (WAL streamed, manifest, progress in percent, cancel), then pg_verifybackup on a plain backup. */
export const createBaseBackup: Headless<CreateBaseBackupArgs, BaseBackupResult> = (ctx) => async (args, progress) => {
  const profile = savedConnection(ctx, args.connection);
  const server = await ctx.connections.with(profile, {}, (c) => serverInfo(c));
  const toolSet = await ctx.tools.forServer(server.major, server.version, 'pg_basebackup');
  const result = await takeBaseBackup({
    params: profile,
    password: await ctx.connections.password(profile),
    toolSet,
    options: args.options,
    out: args.out ?? suggestedFolder(ctx, profile, new Date()),
    signal: progress?.signal,
    log: (line) => ctx.log.info(line),
    onProgress: (e) => {
      const size = `${formatBytes(e.doneKb * 1024)} of ~${formatBytes(e.totalKb * 1024)}`;
      progress?.report(e.percent, `${phaseText[e.phase]} · ${size}`);
    },
  });
  ctx.backupsTree.refresh();
  ctx.log.info(summaryOf(profile, result));
  return result;
};

/** The server, the form (format, compression, checkpoint, label) and the folder; then the PITR builder is offered. */
export const createBaseBackupUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const profile = await pickConnection(ctx, node, 'Choose the server to back up');
  if (!profile) return undefined;
  const server = await ctx.connections.with(profile, { interactive: true }, (c) => serverInfo(c));
  const toolSet = await ctx.tools.forServer(server.major, server.version, 'pg_basebackup');
  const now = new Date();
  const title = `Base backup of ${profile.name}`;
  const options = await backupForm(title, toolSet.major, `pg-backup ${profile.name} ${now.toISOString()}`);
  if (!options) return undefined;
  const out = await chooseFolder(suggestedFolder(ctx, profile, now));
  if (!out) return undefined;
  const backup = createBaseBackup(ctx);
  const result = await withCancellableProgress(title, (p) => backup({ connection: profile.name, options, out }, p));
  void vscode.window.showInformationMessage(summaryOf(profile, result), 'Open PITR Builder', 'Reveal').then((a) => {
    if (a === 'Open PITR Builder') void vscode.commands.executeCommand('pgBackup.openPitrBuilder', result.dir);
    if (a === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.dir));
  });
  return result;
};
