import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import { discoverEngines, engineFor } from '../../core/engines';
import {
  DEFAULT_CONFIG,
  pgbackrestSetup,
  type PgbackrestRepository,
  type PgbackrestSetup,
  type PgbackrestSetupRequest,
} from '../../core/engines/pgbackrest/config';
import type { EngineName, RepoInfo, RepoSpec } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';
import { archiveSetup, type ArchiveSetup } from '../../core/pitr/archive-setup';
import { savedConnection, type Ctx, type Headless } from '../context';
import {
  applyRepositorySetup,
  clusterFacts,
  describeRepositorySetup,
  type SetupStepResult,
} from '../repository/repository-setup';
import { repoText, saveRepository } from '../repository/settings';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';
import { withCancellableProgress, type ProgressSink } from '../ui/progress';
import { applyArchiving, currentArchiving } from './setup-wal-archiving';

/** A pgBackRest setup to generate: the request without the cluster's facts (they are read from the server). */
export type GenerateRequest = Omit<PgbackrestSetupRequest, 'pg'> & { pg?: Partial<PgbackrestSetupRequest['pg']> };

/**
 * The headless part's arguments: an existing stanza or Barman server (read with its engine, then saved with the
 * connection), or a pgBackRest setup to generate — shown in a document, and with `apply` written, archived into
 * and created (stanza-create, check), then saved.
 */
export type AddBackupRepositoryArgs =
  { connection: string; repo: RepoSpec } | { connection: string; generate: GenerateRequest; apply?: boolean };

export interface AddBackupRepositoryResult {
  repo: RepoSpec;
  /** The repository as its engine read it (an existing one, or one just created). */
  info?: RepoInfo;
  setup?: PgbackrestSetup;
  archiving?: ArchiveSetup;
  document?: vscode.TextDocument;
  /** Each applied command's outcome. */
  steps?: SetupStepResult[];
  /** Whether the connection now names the repository in its settings. */
  saved: boolean;
}

interface Generated {
  profile: ConnectionProfile;
  setup: PgbackrestSetup;
  archiving: ArchiveSetup;
  document: vscode.TextDocument;
}

async function readAndSave(ctx: Ctx, connection: string, repo: RepoSpec, p?: ProgressSink): Promise<RepoInfo> {
  const info = await (await engineFor(repo)).info(repo, { signal: p?.signal, log: (l) => ctx.log.command(l) });
  await saveRepository(ctx, connection, repo);
  ctx.backupsTree.repositories.invalidate(connection);
  return info;
}

/** The setup for the connection's cluster and the server settings it needs, in a read-only document. */
async function generate(ctx: Ctx, connection: string, req: GenerateRequest): Promise<Generated> {
  const profile = savedConnection(ctx, connection);
  const { pg, current } = await ctx.connections.with(profile, {}, async (c) => ({
    pg: await clusterFacts(c),
    current: await currentArchiving(c),
  }));
  const setup = pgbackrestSetup({ ...req, pg: { ...pg, ...req.pg } });
  const archiving = archiveSetup(
    { kind: 'pgbackrest', stanza: setup.repo.name, ...(setup.repo.config ? { config: setup.repo.config } : {}) },
    current,
  );
  const text = describeRepositorySetup(connection, setup, archiving);
  const uri = ctx.documents.put('backup-repository', `${connection.replace(/[\\/]/g, '_')}-pgbackrest.conf`, text);
  const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'ini');
  return { profile, setup, archiving, document };
}

/** Writes the config, sets the server's archiving, runs stanza-create and check; saves the repository once created. */
async function apply(ctx: Ctx, g: Generated, p?: ProgressSink): Promise<AddBackupRepositoryResult> {
  const { profile, setup, archiving } = g;
  p?.report(10, `writing ${setup.configFile}`);
  const missingEnv = setup.env.filter((v) => !process.env[v]);
  if (archiving.apply !== 'nothing') await applyArchiving(ctx, profile, archiving);
  const local = setup.configText.match(/^repo1-path=(.*)$/m)?.[1];
  const isLocal = !/^repo1-type=/m.test(setup.configText);
  p?.report(30, 'stanza-create');
  const steps = missingEnv.length
    ? [
        {
          step: setup.commands[0]?.step ?? 'stanza-create',
          ok: false,
          message: `not run: set ${missingEnv.join(' and ')} in the environment pg-backup runs in, then run the commands shown`,
        },
      ]
    : await applyRepositorySetup(setup, isLocal ? local : undefined, archiving.apply === 'restart', ctx.log, p?.signal);
  const created = steps.find((s) => s.step === 'stanza-create')?.ok === true;
  if (!created) return { repo: setup.repo, setup, archiving, document: g.document, steps, saved: false };
  p?.report(90, 'reading the new stanza');
  const info = await readAndSave(ctx, profile.name, setup.repo, p);
  return { repo: setup.repo, info, setup, archiving, document: g.document, steps, saved: true };
}

export const addBackupRepository: Headless<AddBackupRepositoryArgs, AddBackupRepositoryResult> =
  (ctx) => async (args, progress) => {
    if ('repo' in args) {
      savedConnection(ctx, args.connection);
      const info = await readAndSave(ctx, args.connection, args.repo, progress);
      return { repo: args.repo, info, saved: true };
    }
    const g = await generate(ctx, args.connection, args.generate);
    if (!args.apply)
      return { repo: g.setup.repo, setup: g.setup, archiving: g.archiving, document: g.document, saved: false };
    return apply(ctx, g, progress);
  };

type Choice = vscode.QuickPickItem & { engine: EngineName; mode: 'existing' | 'local' | 's3' };

const ENGINE_TITLES: Record<EngineName, string> = { pgbackrest: 'pgBackRest', barman: 'Barman', walg: 'WAL-G' };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nameCheck = (v: string) => (NAME.test(v.trim()) ? undefined : 'Letters, digits, ".", "_" and "-".');
const absCheck = (v: string) => (v.trim().startsWith('/') ? undefined : 'An absolute path.');
const optionalAbs = (v: string) => (!v.trim() || v.trim().startsWith('/') ? undefined : 'An absolute path, or empty.');

function ask(title: string, prompt: string, value: string, check: (v: string) => string | undefined) {
  return vscode.window
    .showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: check })
    .then((v) => v?.trim());
}

async function askRepository(title: string, mode: 'local' | 's3'): Promise<PgbackrestRepository | undefined> {
  if (mode === 'local') {
    const path = await ask(
      title,
      "The repository folder on this machine (created and given to the cluster's OS user).",
      '/var/lib/pgbackrest',
      absCheck,
    );
    return path === undefined ? undefined : { kind: 'local', path };
  }
  const bucket = await ask(title, 'The S3 bucket.', '', nameCheck);
  if (bucket === undefined) return undefined;
  const endpoint = await ask(
    title,
    'The S3 endpoint host (s3.amazonaws.com, or your server).',
    's3.amazonaws.com',
    (v) => (v.trim() ? undefined : 'Required.'),
  );
  if (endpoint === undefined) return undefined;
  const region = await ask(title, 'The region.', 'us-east-1', (v) => (v.trim() ? undefined : 'Required.'));
  if (region === undefined) return undefined;
  const aws = /amazonaws\.com$/.test(endpoint);
  return { kind: 's3', bucket, endpoint, region, uriStyle: aws ? 'host' : 'path' };
}

/**
 * Add Backup Repository… on a connection: finds pgbackrest / barman on PATH (with their versions), then either
 * names an existing stanza or server, or generates a pgBackRest setup (local folder or S3-compatible), shows it,
 * and applies it only after a modal naming the server — as Set Up WAL Archiving does.
 */
export const addBackupRepositoryUi = (ctx: Ctx) => async (node?: ConnectionsTreeNode) => {
  const profile = await pickConnection(ctx, node, 'The connection to add a backup repository to');
  if (!profile) return undefined;
  const title = `Backup repository for ${profile.name}`;
  const found = await discoverEngines();
  if (!found.length)
    throw new PgBackupError('Neither pgbackrest nor barman is on PATH.', 'tool-missing', {
      hint: 'Install one (Debian: apt-get install pgbackrest), then add the repository again.',
    });
  const choices: Choice[] = found.flatMap((f) => {
    const about = `${ENGINE_TITLES[f.engine]} ${f.version} · ${f.path}`;
    const existing: Choice = {
      label: `Use an existing ${f.engine === 'barman' ? 'Barman server' : `${ENGINE_TITLES[f.engine]} stanza`}`,
      description: about,
      engine: f.engine,
      mode: 'existing',
    };
    if (f.engine !== 'pgbackrest') return [existing];
    return [
      existing,
      {
        label: 'Set up a local pgBackRest repository',
        description: about,
        detail: 'pgbackrest.conf with retention, archive_command, then stanza-create and check',
        engine: f.engine,
        mode: 'local',
      },
      {
        label: 'Set up an S3-compatible pgBackRest repository',
        description: about,
        detail: 'keys from PGBACKREST_REPO1_S3_KEY / _SECRET in the environment, never in the file',
        engine: f.engine,
        mode: 's3',
      },
    ];
  });
  const picked = await vscode.window.showQuickPick(choices, {
    title,
    placeHolder: 'Which repository?',
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.mode === 'existing') {
    const name = await ask(
      title,
      picked.engine === 'barman' ? "The server's name in Barman." : 'The stanza.',
      'main',
      nameCheck,
    );
    if (name === undefined) return undefined;
    const config = await ask(title, `The ${picked.engine} config file (empty: its default).`, '', optionalAbs);
    if (config === undefined) return undefined;
    const repo: RepoSpec = { engine: picked.engine, name, ...(config ? { config } : {}) };
    const result = await withCancellableProgress(`Reading ${repoText(repo)}`, (p) =>
      addBackupRepository(ctx)({ connection: profile.name, repo }, p),
    );
    void vscode.window.showInformationMessage(
      `${profile.name} now has the backup repository ${repoText(repo)} (${result.info?.backups.length ?? 0} backups).`,
    );
    return result;
  }
  const stanza = await ask(
    title,
    'The stanza (the name of this cluster in the repository).',
    safeName(profile.name),
    nameCheck,
  );
  if (stanza === undefined) return undefined;
  const repository = await askRepository(title, picked.mode);
  if (!repository) return undefined;
  const configFile = await ask(title, 'Where pgbackrest.conf is written.', DEFAULT_CONFIG, absCheck);
  if (configFile === undefined) return undefined;
  const generateReq: GenerateRequest = { stanza, repository, configFile };
  const shown = await addBackupRepository(ctx)({ connection: profile.name, generate: generateReq });
  await vscode.window.showTextDocument(shown.document!, { preview: false });
  const go = `Set Up ${stanza}`;
  const answer = await vscode.window.showWarningMessage(
    `Set up the pgBackRest stanza ${stanza} for ${profile.name} (${describeParams(profile)})?`,
    {
      modal: true,
      detail: [
        `Writes ${configFile}.`,
        shown.archiving!.confLines.length
          ? `ALTER SYSTEM: ${shown.archiving!.confLines.join('; ')}${shown.archiving!.apply === 'restart' ? ' (archive_mode needs a restart, which pg-backup does not do).' : '.'}`
          : 'The server already archives into this stanza.',
        `Runs: ${shown.setup!.commands.map((c) => c.step).join(', ')}.`,
      ].join('\n'),
    },
    go,
  );
  if (answer !== go) return shown;
  const result = await withCancellableProgress(`Setting up ${repoText(shown.repo)}`, (p) =>
    addBackupRepository(ctx)({ connection: profile.name, generate: generateReq, apply: true }, p),
  );
  const summary = (result.steps ?? []).map((s) => `${s.step}: ${s.ok ? 'ok' : s.message}`).join('; ');
  if (result.saved)
    void vscode.window.showInformationMessage(`${profile.name} backs up into ${repoText(result.repo)}. ${summary}`);
  else void vscode.window.showWarningMessage(`${repoText(result.repo)} is not set up yet: ${summary}`);
  return result;
};

const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'main';
