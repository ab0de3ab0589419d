import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { Client } from 'pg';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import { archiveSetup, type ArchiveSetup, type CurrentArchiving } from '../../core/pitr/archive-setup';
import { describeSource, type ArchiveSource } from '../../core/pitr/model';
import { savedConnection, type Ctx, type Headless } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';

/** The server's archiving settings and version (also read by Add Backup Repository…). */
export async function currentArchiving(c: Client): Promise<CurrentArchiving & { version: string }> {
  const { rows } = await c.query<{ name: string; setting: string }>(
    "select name, setting from pg_settings where name in ('wal_level', 'archive_mode', 'archive_command', 'server_version')",
  );
  const get = (n: string) => rows.find((r) => r.name === n)?.setting;
  return {
    wal_level: get('wal_level'),
    archive_mode: get('archive_mode'),
    archive_command: get('archive_command'),
    version: get('server_version') ?? '?',
  };
}

const ask = (
  title: string,
  prompt: string,
  placeholder: string,
  check: (v: string) => string | undefined = (v) => (v.trim() ? undefined : 'Required.'),
) =>
  vscode.window.showInputBox({ title, prompt, placeHolder: placeholder, ignoreFocusOut: true, validateInput: check });

const absolute = (v: string) => (isAbsolute(v.trim()) ? undefined : 'An absolute path on the database server.');

async function pickSource(title: string, current: CurrentArchiving): Promise<ArchiveSource | undefined> {
  const now = `now: wal_level ${current.wal_level} · archive_mode ${current.archive_mode} · archive_command ${current.archive_command || '(empty)'}`;
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Local folder',
        source: 'cp',
        detail: 'cp into a folder on the server machine (a mounted disk or NFS); never overwrites a file already there',
      },
      {
        label: 'rsync over ssh',
        source: 'rsync',
        detail: 'to another host; --ignore-existing so nothing is overwritten',
      },
      { label: 'WAL-G', source: 'walg', detail: "wal-g wal-push (configure WAL-G's storage in its environment)" },
      { label: 'pgBackRest', source: 'pgbackrest', detail: 'pgbackrest archive-push for a stanza' },
      { label: 'Barman', source: 'barman', detail: 'barman-wal-archive to a Barman server' },
    ] as (vscode.QuickPickItem & { source: ArchiveSource['kind'] })[],
    {
      title,
      placeHolder: `Where should the server archive its WAL? (${now})`,
      ignoreFocusOut: true,
      matchOnDetail: true,
    },
  );
  switch (picked?.source) {
    case 'cp': {
      const dir = await ask(
        title,
        "The archive folder, as the server sees it. It must exist and be writable by the server's OS user.",
        '/var/lib/postgresql/wal-archive',
        absolute,
      );
      return dir === undefined ? undefined : { kind: 'cp', dir: dir.trim() };
    }
    case 'rsync': {
      const host = await ask(
        title,
        "The ssh destination (the server's OS user needs key-based access to it).",
        'backup@archive-host',
      );
      const dir =
        host === undefined
          ? undefined
          : await ask(title, `The archive folder on ${host}.`, '/srv/wal-archive', absolute);
      return host === undefined || dir === undefined
        ? undefined
        : { kind: 'rsync', host: host.trim(), dir: dir.trim() };
    }
    case 'walg':
      return { kind: 'walg' };
    case 'pgbackrest': {
      const stanza = await ask(title, 'The pgBackRest stanza of this cluster.', 'main');
      return stanza === undefined ? undefined : { kind: 'pgbackrest', stanza: stanza.trim() };
    }
    case 'barman': {
      const host = await ask(title, 'The Barman host (ssh destination).', 'barman@backup-host');
      const server =
        host === undefined ? undefined : await ask(title, "The server's name in Barman's configuration.", 'pg');
      return host === undefined || server === undefined
        ? undefined
        : { kind: 'barman', host: host.trim(), server: server.trim() };
    }
    default:
      return undefined;
  }
}

/** The text shown in an editor: the postgresql.conf lines, what each one needs, and the ALTER SYSTEM form. */
export function describeSetup(
  profile: ConnectionProfile,
  version: string,
  source: ArchiveSource,
  current: CurrentArchiving,
  setup: ArchiveSetup,
  quote: (v: string) => string,
): string {
  const after = {
    restart: 'Then RESTART the server: wal_level and archive_mode take effect only at start.',
    reload: 'Then reload the configuration (SELECT pg_reload_conf()): archive_command changes without a restart.',
    nothing: 'Nothing to change: the server already archives this way.',
  }[setup.apply];
  return [
    `# WAL archiving for "${profile.name}" (${describeParams(profile)}, PostgreSQL ${version}) into ${describeSource(source)}.`,
    '# Generated by pg-backup. Settings now on the server:',
    ...setup.settings.map((s) => `#   ${s.name} = ${current[s.name] || "''"}${s.changes ? '' : '   (already right)'}`),
    '#',
    '# Add these lines to postgresql.conf (or run the ALTER SYSTEM statements below as a superuser):',
    ...setup.settings.filter((s) => s.changes).map((s, i) => `${setup.confLines[i]}    # needs a ${s.applyBy}`),
    '#',
    `# ${after}`,
    '#',
    ...setup.settings.filter((s) => s.changes).map((s) => `# ALTER SYSTEM SET ${s.name} = ${quote(s.value)};`),
    '',
  ].join('\n');
}

/** The headless part's arguments (tests): it writes the lines into a document, never applies them. */
export interface SetupWalArchivingArgs {
  connection: string;
  source: ArchiveSource;
}

export interface SetupWalArchivingResult {
  current: CurrentArchiving;
  setup: ArchiveSetup;
  document: vscode.TextDocument;
}

/** The same quoting pg uses for literals, for the ALTER SYSTEM lines shown. */
const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Reads the server's archiving settings and writes the lines for an archive into a read-only document. */
export const setupWalArchiving: Headless<SetupWalArchivingArgs, SetupWalArchivingResult> = (ctx) => async (args) => {
  const profile = savedConnection(ctx, args.connection);
  const current = await ctx.connections.with(profile, {}, currentArchiving);
  const setup = archiveSetup(args.source, current);
  // Read-only, like the reports: the lines are there to read and copy, and the tab closes without a question.
  const text = describeSetup(profile, current.version, args.source, current, setup, quote);
  const uri = ctx.documents.put('wal-archiving', `${profile.name.replace(/[\\/]/g, '_')}.conf`, text);
  const opened = await vscode.workspace.openTextDocument(uri);
  const document = await vscode.languages.setTextDocumentLanguage(opened, 'properties');
  return { current, setup, document };
};

/** Writes the settings that change with ALTER SYSTEM and reloads (a restart stays the user's), and logs it. */
export async function applyArchiving(ctx: Ctx, profile: ConnectionProfile, setup: ArchiveSetup): Promise<void> {
  const changing = setup.settings.filter((s) => s.changes);
  await ctx.connections.with(profile, { interactive: true }, async (c) => {
    for (const s of changing) await c.query(`ALTER SYSTEM SET ${s.name} = ${c.escapeLiteral(s.value)}`);
    await c.query('SELECT pg_reload_conf()');
  });
  ctx.log.info(
    `ALTER SYSTEM on ${profile.name} (${describeParams(profile)}): ${changing.map((s) => `${s.name} = ${s.value}`).join('; ')}`,
  );
}

/**
 * Shows the server's archiving settings, generates the lines for a chosen archive, opens them in an editor and,
 * only after a modal confirm naming the server, applies them with ALTER SYSTEM (and reloads). A restart stays the
 * user's decision: the message says when one is needed.
 */
export const setupWalArchivingUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const profile = await pickConnection(ctx, node, 'Choose the server to archive WAL from');
  if (!profile) return undefined;
  const title = `WAL archiving for ${profile.name}`;
  const source = await pickSource(title, await ctx.connections.with(profile, { interactive: true }, currentArchiving));
  if (!source) return undefined;
  const result = await setupWalArchiving(ctx)({ connection: profile.name, source });
  const { setup } = result;
  await vscode.window.showTextDocument(result.document, { preview: false });
  if (setup.apply === 'nothing') {
    void vscode.window.showInformationMessage(`${profile.name} already archives WAL into ${describeSource(source)}.`);
    return result;
  }
  const target = `${profile.name} (${describeParams(profile)})`;
  const apply = `Apply to ${profile.name}`;
  const answer = await vscode.window.showWarningMessage(
    `Change the archiving settings of ${target} with ALTER SYSTEM?`,
    {
      modal: true,
      detail: `${setup.confLines.join('\n')}\n\n${setup.apply === 'restart' ? 'wal_level / archive_mode take effect only after a restart of the server, which pg-backup does not do.' : 'The configuration is reloaded; no restart is needed.'}`,
    },
    apply,
  );
  if (answer !== apply) return result;
  await applyArchiving(ctx, profile, setup);
  void vscode.window.showInformationMessage(
    setup.apply === 'restart'
      ? `Settings written to ${profile.name}'s postgresql.auto.conf. Restart the server for wal_level / archive_mode to take effect.`
      : `archive_command of ${profile.name} changed and the configuration reloaded.`,
  );
  return result;
};
