import * as vscode from 'vscode';
import { withClient } from '../../core/connection/client';
import type { ConnectionProfile } from '../../core/connection/profile';
import { serverInfo } from '../../core/connection/server-info';
import { errorMessage, PgBackupError, type ErrorKind } from '../../core/errors';
import type { Ctx } from '../context';
import { connectionProblem } from '../tree/connections-tree';
import { ADD_TITLE, connectionForm, type ConnectionFormResult } from '../ui/connection-form';
import { markWalkthroughDone } from '../walkthrough';

/** Arguments for adding a connection without the form (tests, other commands): the arguments are the consent. */
export interface AddConnectionArgs extends ConnectionFormResult {
  /** What to do when the connection test fails. */
  ifTestFails: 'save' | 'cancel';
}

export interface AddConnectionResult {
  saved: boolean;
  /** Why the test failed, when it did. */
  problem?: { kind?: ErrorKind; message: string };
}

type Problem = NonNullable<AddConnectionResult['problem']>;

/** Connects once with what was entered (nothing is saved yet), under a progress notification. */
async function tryConnection(ctx: Ctx, r: ConnectionFormResult): Promise<Problem | undefined> {
  try {
    const opts = { password: r.password, connectTimeoutSec: ctx.config.connectTimeoutSeconds() };
    const server = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${r.profile.name}…` },
      () => withClient(r.profile, opts, serverInfo),
    );
    ctx.log.info(`Connected to ${r.profile.name}: PostgreSQL ${server.version} as ${server.currentUser}.`);
    return undefined;
  } catch (e) {
    return { kind: e instanceof PgBackupError ? e.kind : undefined, message: errorMessage(e) };
  }
}

async function save(ctx: Ctx, r: ConnectionFormResult): Promise<void> {
  // No folder open, or an untrusted one (its settings are not read): keep it in user settings.
  const canUseWorkspace = !!vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted;
  const scope = r.scope === 'workspace' && !canUseWorkspace ? 'global' : r.scope;
  const others = ctx.config.connectionsIn(scope).filter((p) => p.name !== r.profile.name);
  await ctx.config.saveConnections(scope, [...others, r.profile]);
  if (r.password !== undefined) await ctx.passwords.set(r.profile.name, r.password);
  ctx.log.info(`Added connection ${r.profile.name} (${scope} settings).`);
  await markWalkthroughDone(ctx.extension, 'connectionSaved');
  ctx.connectionsTree.refresh();
}

const SET_PASSWORD = 'Set Password…';

/** A failed test: Save anyway, Edit, Cancel, and Set Password… when the server refused the login. */
async function askAfterFailure(name: string, problem: Problem): Promise<string | undefined> {
  const actions = [...(problem.kind === 'auth' ? [SET_PASSWORD] : []), 'Save anyway', 'Edit', 'Cancel'];
  const text = `${name}: ${connectionProblem(problem.kind)}. ${problem.message}`;
  return vscode.window.showWarningMessage(text, ...actions);
}

async function askPassword(profile: ConnectionProfile): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Password for ${profile.name}`,
    prompt: `Password for user "${profile.user ?? ''}". Kept in VS Code secret storage.`,
    password: true,
    ignoreFocusOut: true,
  });
}

/**
 * Add Connection: the form, then a connection test before anything is saved; when the test fails the user
 * saves anyway, edits what was entered, sets the password (a refused login) or cancels.
 */
export const addConnection =
  (ctx: Ctx) =>
  async (args?: AddConnectionArgs): Promise<AddConnectionResult> => {
    const names = ctx.config.connections().map((c) => c.profile.name);
    const defaultScope = vscode.workspace.workspaceFolders?.length ? 'workspace' : 'global';
    let entered: ConnectionFormResult | undefined = args ?? (await connectionForm(names, undefined, defaultScope));
    while (entered) {
      const problem = await tryConnection(ctx, entered);
      if (!problem) {
        await save(ctx, entered);
        void vscode.window.showInformationMessage(`Connected to ${entered.profile.name} and saved it.`);
        return { saved: true };
      }
      ctx.log.error(`Testing ${entered.profile.name}: ${problem.message}`);
      const fromArgs = args && (args.ifTestFails === 'save' ? 'Save anyway' : 'Cancel');
      const choice = fromArgs ?? (await askAfterFailure(entered.profile.name, problem));
      if (choice === 'Save anyway') {
        await save(ctx, entered);
        return { saved: true, problem };
      }
      if (choice === SET_PASSWORD) {
        const password = await askPassword(entered.profile);
        if (password !== undefined) entered = { ...entered, password };
      } else if (choice === 'Edit') {
        const edited = await connectionForm(names, entered.profile, entered.scope, ADD_TITLE);
        // An empty password in the form keeps the one entered before.
        entered = edited && { ...edited, password: edited.password ?? entered.password };
      } else {
        return { saved: false, problem };
      }
    }
    return { saved: false };
  };
