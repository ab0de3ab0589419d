import * as vscode from 'vscode';
import { parseConnectionString, SSL_MODES, type ConnectionProfile, type SslMode } from '../../core/connection/profile';
import { errorMessage } from '../../core/errors';

export interface ConnectionFormResult {
  profile: ConnectionProfile;
  /** A password given in a pasted URI or typed in; undefined = leave as is / use pgpass. */
  password?: string;
  scope: 'workspace' | 'global';
}

export const ADD_TITLE = 'Add PostgreSQL Connection';

const ask = (title: string, prompt: string, value: string | undefined, validate?: (v: string) => string | undefined) =>
  vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: validate });

/**
 * The guided flow behind Add and Edit Connection: paste a libpq URI, or answer host / port / user / database /
 * sslmode one by one; then a name and where to keep it. Returns undefined when the user backs out.
 */
export async function connectionForm(
  existingNames: string[],
  defaults?: ConnectionProfile,
  defaultScope: 'workspace' | 'global' = 'workspace',
  title = defaults ? `Edit Connection ${defaults.name}` : ADD_TITLE,
): Promise<ConnectionFormResult | undefined> {
  let profile: Omit<ConnectionProfile, 'name'> = { ...defaults };
  let password: string | undefined;
  const how = defaults
    ? { id: 'steps' }
    : await vscode.window.showQuickPick(
        [
          {
            id: 'uri',
            label: '$(link) Paste a connection URI',
            detail: 'postgresql://user@host:5432/db?sslmode=require, or key=value conninfo',
          },
          { id: 'steps', label: '$(list-ordered) Enter host, port, user and database', detail: 'Step by step' },
        ],
        { title, ignoreFocusOut: true },
      );
  if (!how) return undefined;
  if (how.id === 'uri') {
    const text = await ask(
      title,
      'Connection URI or key=value string. A password in it is moved to secret storage.',
      undefined,
      (v) => {
        try {
          parseConnectionString(v);
          return undefined;
        } catch (e) {
          return errorMessage(e);
        }
      },
    );
    if (text === undefined) return undefined;
    const parsed = parseConnectionString(text);
    profile = parsed.params;
    password = parsed.password;
  } else {
    const host = await ask(title, 'Host name, IP address, or socket directory', profile.host ?? 'localhost');
    if (host === undefined) return undefined;
    const port = await ask(title, 'Port', String(profile.port ?? 5432), (v) =>
      /^\d+$/.test(v) && +v > 0 && +v < 65536 ? undefined : 'A port number from 1 to 65535',
    );
    if (port === undefined) return undefined;
    const user = await ask(title, 'User name', profile.user ?? 'postgres');
    if (user === undefined) return undefined;
    const database = await ask(title, 'Database', profile.database ?? 'postgres');
    if (database === undefined) return undefined;
    const ssl = await vscode.window.showQuickPick(
      SSL_MODES.map((m) => ({ label: m, picked: m === (profile.sslmode ?? 'prefer') })),
      { title, placeHolder: `SSL mode (now: ${profile.sslmode ?? 'prefer'})`, ignoreFocusOut: true },
    );
    if (!ssl) return undefined;
    profile = {
      host: host || undefined,
      port: Number(port),
      user: user || undefined,
      database: database || undefined,
      sslmode: ssl.label as SslMode,
    };
    const pw = await vscode.window.showInputBox({
      title,
      prompt: defaults
        ? 'Password (leave empty to keep the saved one, or to use ~/.pgpass / PGPASSWORD)'
        : 'Password (leave empty to use ~/.pgpass / PGPASSWORD). Kept in VS Code secret storage.',
      password: true,
      ignoreFocusOut: true,
    });
    if (pw === undefined) return undefined;
    password = pw || undefined;
  }
  const others = existingNames.filter((n) => n !== defaults?.name);
  const name = await ask(
    title,
    'A name for this connection',
    defaults?.name ?? `${profile.database ?? 'postgres'}@${profile.host ?? 'localhost'}`,
    (v) =>
      !v.trim()
        ? 'A name is needed'
        : others.includes(v.trim())
          ? `A connection named "${v.trim()}" exists already`
          : undefined,
  );
  if (name === undefined) return undefined;
  const scope = defaults
    ? defaultScope
    : (
        await vscode.window.showQuickPick(
          [
            {
              id: 'workspace' as const,
              label: 'This workspace',
              detail: 'Saved in .vscode/settings.json (without the password): shared with the project',
            },
            { id: 'global' as const, label: 'All my workspaces', detail: 'Saved in your user settings' },
          ],
          { title, placeHolder: 'Where to keep this connection', ignoreFocusOut: true },
        )
      )?.id;
  if (!scope) return undefined;
  return { profile: { name: name.trim(), ...profile }, password, scope };
}
