/**
 * "Set up a Barman server" in Add Backup Repository…: its name, home and roles asked, the generated configuration
 * shown in a document, applied after a modal (with progress and Cancel), then saved with the connection.
 */
import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import { serverInfo } from '../../core/connection/server-info';
import { savedConnection, type Ctx } from '../context';
import {
  applyBarman,
  barmanConfigFile,
  describeBarmanSetup,
  generateBarman,
  type BarmanRequest,
  type RolePasswords,
} from '../repository/barman-setup';
import { engineRunOptions } from '../repository/engine-progress';
import { readAndSaveRepository } from '../repository/read-and-save';
import { repoText } from '../repository/settings';
import { absCheck, askText, safeName } from '../ui/ask-text';
import { withCancellableProgress, type ProgressSink } from '../ui/progress';
import type { AddBackupRepositoryResult } from './add-backup-repository';

/** The Barman roles' passwords: as given, else the connection's saved one (SecretStorage) for its own user. */
async function rolePasswords(ctx: Ctx, profile: ConnectionProfile, req: BarmanRequest, given: RolePasswords = {}) {
  const saved = await ctx.connections.password(profile);
  const out: RolePasswords = {};
  for (const role of new Set([req.user, req.streamingUser]))
    out[role] = given[role] ?? (role === (profile.user ?? 'postgres') ? saved : undefined);
  return out;
}

/** The Barman setup for the connection's server (path_prefix: the client tools of its major), in a document. */
async function generateBarmanDocument(ctx: Ctx, connection: string, req: BarmanRequest, passwords: RolePasswords) {
  const profile = savedConnection(ctx, connection);
  const server = await ctx.connections.with(profile, {}, (c) => serverInfo(c));
  const tools = await ctx.tools.forServer(server.major, server.version, 'pg_basebackup');
  const g = generateBarman(profile, req, tools.dir, passwords);
  const uri = ctx.documents.put(
    'backup-repository',
    `${connection.replace(/[\\/]/g, '_')}-barman-${req.server}.conf`,
    describeBarmanSetup(connection, g),
  );
  const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'ini');
  return { profile, g, document };
}

export async function setUpBarman(
  ctx: Ctx,
  args: { connection: string; barman: BarmanRequest; apply?: boolean; passwords?: RolePasswords },
  p?: ProgressSink,
): Promise<AddBackupRepositoryResult> {
  const profile = savedConnection(ctx, args.connection);
  const passwords = await rolePasswords(ctx, profile, args.barman, args.passwords);
  const { g, document } = await generateBarmanDocument(ctx, args.connection, args.barman, passwords);
  if (!args.apply) return { repo: g.repo, barman: g, document, saved: false };
  const client = await ctx.connections.open(profile);
  try {
    await applyBarman(g, passwords, { ...engineRunOptions(ctx.log, g.repo, p), log: (l) => ctx.log.command(l) }, () =>
      client.query('select txid_current()'),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  p?.report(95, 'reading the new server');
  const info = await readAndSaveRepository(ctx, args.connection, g.repo, p);
  return { repo: g.repo, info, barman: g, document, saved: true };
}

const barmanCheck = (v: string) =>
  /^[A-Za-z0-9][\w.-]*$/.test(v.trim()) && v.trim() !== 'barman'
    ? undefined
    : 'Letters, digits, "_", "-" and ".", and not "barman".';
const roleCheck = (v: string) => (v.trim() ? undefined : 'A role name.');

/** Set up a Barman server: its name, home and roles (passwords asked unless the connection's saved one serves). */
async function askBarman(
  ctx: Ctx,
  profile: ConnectionProfile,
  title: string,
): Promise<{ barman: BarmanRequest; passwords: RolePasswords } | undefined> {
  const server = await askText(title, 'The Barman server name.', safeName(profile.name), barmanCheck);
  if (server === undefined) return undefined;
  const home = await askText(
    title,
    "Barman's home for this server (backups, WAL, log).",
    `/var/lib/barman/${server}`,
    absCheck,
  );
  if (home === undefined) return undefined;
  const user = await askText(
    title,
    'The role Barman backs up with (a superuser).',
    profile.user ?? 'postgres',
    roleCheck,
  );
  if (user === undefined) return undefined;
  const streamingUser = await askText(title, 'The role with REPLICATION that streams WAL.', user, roleCheck);
  if (streamingUser === undefined) return undefined;
  const configFile = await askText(
    title,
    'Where the Barman configuration is written.',
    barmanConfigFile(server),
    absCheck,
  );
  if (configFile === undefined) return undefined;
  const saved = await ctx.connections.password(profile);
  const passwords: RolePasswords = {};
  for (const role of new Set([user, streamingUser])) {
    if (saved && role === (profile.user ?? 'postgres')) continue; // the connection's own, from the keychain
    const pw = await vscode.window.showInputBox({
      title,
      prompt: `Password of "${role}" for Barman (written to a pgpass file only Barman's user reads; empty: none)`,
      password: true,
      ignoreFocusOut: true,
    });
    if (pw === undefined) return undefined;
    if (pw) passwords[role] = pw;
  }
  return { barman: { server, home, user, streamingUser, configFile }, passwords };
}

/** Set up a Barman server: the generated setup in a document, a modal, then applied with progress and Cancel. */
export async function setUpBarmanUi(ctx: Ctx, profile: ConnectionProfile, title: string) {
  const asked = await askBarman(ctx, profile, title);
  if (!asked) return undefined;
  const args = { connection: profile.name, ...asked };
  const shown = await setUpBarman(ctx, args);
  await vscode.window.showTextDocument(shown.document!, { preview: false });
  const g = shown.barman!;
  const go = `Set Up ${g.repo.name}`;
  const answer = await vscode.window.showWarningMessage(
    `Set up the Barman server ${g.repo.name} for ${profile.name} (${describeParams(profile)})?`,
    {
      modal: true,
      detail: [
        `Writes ${g.setup.configFile}${g.passfile ? ` and ${g.passfile}` : ''}; creates ${g.setup.directories[0]} for Barman.`,
        `The server needs: ${g.setup.serverRequirements.join('; ')}.`,
        `Runs: ${g.setup.commands.map((c) => c.step).join(', ')}.`,
      ].join('\n'),
    },
    go,
  );
  if (answer !== go) return shown;
  const result = await withCancellableProgress(`Setting up ${repoText(g.repo)}`, (p) =>
    setUpBarman(ctx, { ...args, apply: true }, p),
  );
  void vscode.window.showInformationMessage(
    `${profile.name} backs up into ${repoText(result.repo)} (Barman checked it; ${result.info?.backups.length ?? 0} backups).`,
  );
  return result;
}
