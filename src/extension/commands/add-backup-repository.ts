import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { describeParams } from '../../core/connection/profile';
import { discoverEngines } from '../../core/engines';
import {
  DEFAULT_CONFIG,
  pgbackrestSetup,
  type PgbackrestRepository,
  type PgbackrestSetup,
  type PgbackrestSetupRequest,
} from '../../core/engines/pgbackrest/config';
import type { EngineName, RepoInfo, RepoSpec } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';
import { s3KeyEnv } from '../../core/engines/pgbackrest/s3-keys';
import type { S3Credentials } from '../../core/offsite/types';
import { archiveSetup, type ArchiveSetup } from '../../core/pitr/archive-setup';
import { savedConnection, type Ctx, type Headless } from '../context';
import {
  applyRepositorySetup,
  clusterFacts,
  describeRepositorySetup,
  type SetupStepResult,
} from '../repository/repository-setup';
import type { BarmanRequest, GeneratedBarman, RolePasswords } from '../repository/barman-setup';
import { readAndSaveRepository } from '../repository/read-and-save';
import { RepositoryKeys, keysProblem } from '../repository/keys';
import { repoText } from '../repository/settings';
import { absCheck, askText, nameCheck, optionalAbs, safeName } from '../ui/ask-text';
import { askS3Keys } from '../ui/ask-keys';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';
import { withCancellableProgress, type ProgressSink } from '../ui/progress';
import { applyArchiving, currentArchiving } from './setup-wal-archiving';
import { setUpBarman, setUpBarmanUi } from './set-up-barman';

/** A pgBackRest setup to generate: the request without the cluster's facts (they are read from the server). */
export type GenerateRequest = Omit<PgbackrestSetupRequest, 'pg'> & { pg?: Partial<PgbackrestSetupRequest['pg']> };

/**
 * The headless part's arguments: an existing stanza or Barman server (read with its engine, then saved with the
 * connection), a pgBackRest setup to generate — shown in a document, and with `apply` written, archived into and
 * created (stanza-create, check), then saved — or a Barman server to set up the same way. `keys` (an S3
 * repository's) go into the keychain for the connection and repository; `passwords` are the Barman roles' (a role
 * without one that is the connection's own user takes the connection's saved password).
 */
export type AddBackupRepositoryArgs =
  | { connection: string; repo: RepoSpec; keys?: S3Credentials }
  | { connection: string; generate: GenerateRequest; apply?: boolean; keys?: S3Credentials }
  | { connection: string; barman: BarmanRequest; apply?: boolean; passwords?: RolePasswords };

export interface AddBackupRepositoryResult {
  repo: RepoSpec;
  /** The repository as its engine read it (an existing one, or one just created). */
  info?: RepoInfo;
  setup?: PgbackrestSetup;
  barman?: GeneratedBarman;
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

/** The repository's keys into the keychain (when given), and the engine environment they make (or the saved ones'). */
async function repositoryKeyEnv(ctx: Ctx, connection: string, repo: RepoSpec, keys?: S3Credentials) {
  const keychain = new RepositoryKeys(ctx.extension.secrets);
  if (keys) await keychain.set(RepositoryKeys.id(connection, repo), keys);
  return keys && repo.engine === 'pgbackrest' ? s3KeyEnv(keys) : keychain.env(connection, repo);
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
async function apply(
  ctx: Ctx,
  g: Generated,
  keys?: S3Credentials,
  p?: ProgressSink,
): Promise<AddBackupRepositoryResult> {
  const { profile, setup, archiving } = g;
  p?.report(10, `writing ${setup.configFile}`);
  const env = setup.env.length ? await repositoryKeyEnv(ctx, profile.name, setup.repo, keys) : undefined;
  const missingEnv = setup.env.filter((v) => !env?.[v] && !process.env[v]);
  if (archiving.apply !== 'nothing') await applyArchiving(ctx, profile, archiving);
  const local = setup.configText.match(/^repo1-path=(.*)$/m)?.[1];
  const isLocal = !/^repo1-type=/m.test(setup.configText);
  p?.report(30, 'stanza-create');
  const steps = missingEnv.length
    ? [
        {
          step: setup.commands[0]?.step ?? 'stanza-create',
          ok: false,
          message: `not run: the repository's S3 keys are missing (${missingEnv.join(', ')}): add the repository again and give them`,
        },
      ]
    : await applyRepositorySetup(
        setup,
        isLocal ? local : undefined,
        archiving.apply === 'restart',
        ctx.log,
        p?.signal,
        env,
      );
  const created = steps.find((s) => s.step === 'stanza-create')?.ok === true;
  if (!created) return { repo: setup.repo, setup, archiving, document: g.document, steps, saved: false };
  p?.report(90, 'reading the new stanza');
  const info = await readAndSaveRepository(ctx, profile.name, setup.repo, p, env);
  return { repo: setup.repo, info, setup, archiving, document: g.document, steps, saved: true };
}

export const addBackupRepository: Headless<AddBackupRepositoryArgs, AddBackupRepositoryResult> =
  (ctx) => async (args, progress) => {
    if ('repo' in args) {
      savedConnection(ctx, args.connection);
      const env = await repositoryKeyEnv(ctx, args.connection, args.repo, args.keys);
      const info = await readAndSaveRepository(ctx, args.connection, args.repo, progress, env);
      return { repo: args.repo, info, saved: true };
    }
    if ('barman' in args) return setUpBarman(ctx, args, progress);
    const g = await generate(ctx, args.connection, args.generate);
    if (!args.apply)
      return { repo: g.setup.repo, setup: g.setup, archiving: g.archiving, document: g.document, saved: false };
    return apply(ctx, g, args.keys, progress);
  };

type Choice = vscode.QuickPickItem & { engine: EngineName; mode: 'existing' | 'local' | 's3' | 'barman' };

const ENGINE_TITLES: Record<EngineName, string> = { pgbackrest: 'pgBackRest', barman: 'Barman', walg: 'WAL-G' };

async function askRepository(
  title: string,
  mode: 'local' | 's3' | 'barman',
): Promise<PgbackrestRepository | undefined> {
  if (mode === 'local') {
    const path = await askText(
      title,
      "The repository folder on this machine (created and given to the cluster's OS user).",
      '/var/lib/pgbackrest',
      absCheck,
    );
    return path === undefined ? undefined : { kind: 'local', path };
  }
  const bucket = await askText(title, 'The S3 bucket.', '', nameCheck);
  if (bucket === undefined) return undefined;
  const endpoint = await askText(
    title,
    'The S3 endpoint host (s3.amazonaws.com, or your server).',
    's3.amazonaws.com',
    (v) => (v.trim() ? undefined : 'Required.'),
  );
  if (endpoint === undefined) return undefined;
  const region = await askText(title, 'The region.', 'us-east-1', (v) => (v.trim() ? undefined : 'Required.'));
  if (region === undefined) return undefined;
  const [, host, port] = /^(.*?)(?::(\d+))?$/.exec(endpoint)!;
  const aws = /amazonaws\.com$/.test(host);
  const verify = aws
    ? { verifyTls: true }
    : await vscode.window.showQuickPick(
        [
          { label: "Verify the server's TLS certificate", verifyTls: true },
          { label: 'Do not verify it', description: 'a self-signed certificate (a test server)', verifyTls: false },
        ],
        { title, placeHolder: `pgBackRest reaches ${host} over https`, ignoreFocusOut: true },
      );
  if (!verify) return undefined;
  return {
    kind: 's3',
    bucket,
    endpoint: host,
    region,
    uriStyle: aws ? 'host' : 'path',
    ...(port ? { port: Number(port) } : {}),
    ...(verify.verifyTls ? {} : { verifyTls: false }),
  };
}

/** The S3 keys of a repository being added: typed into input boxes, kept in the keychain. */
async function askRepositoryKeys(title: string): Promise<S3Credentials | undefined> {
  const keys = await askS3Keys(
    `${title}: S3 keys (kept in the OS keychain, never in a file)`,
    'Access key id of the bucket',
    false,
  );
  return keys === 'empty' ? undefined : keys;
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
    if (f.engine === 'barman')
      return [
        existing,
        {
          label: 'Set up a Barman server',
          description: about,
          detail: 'a configuration of its own, streaming WAL over a slot; passwords in a pgpass file',
          engine: f.engine,
          mode: 'barman',
        },
      ];
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
        detail: 'keys typed once, kept in the OS keychain, given to pgBackRest in its environment; never in the file',
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
    const name = await askText(
      title,
      picked.engine === 'barman' ? "The server's name in Barman." : 'The stanza.',
      'main',
      nameCheck,
    );
    if (name === undefined) return undefined;
    const config = await askText(title, `The ${picked.engine} config file (empty: its default).`, '', optionalAbs);
    if (config === undefined) return undefined;
    const repo: RepoSpec = { engine: picked.engine, name, ...(config ? { config } : {}) };
    const read = (keys?: S3Credentials) =>
      withCancellableProgress(`Reading ${repoText(repo)}`, (p) =>
        addBackupRepository(ctx)({ connection: profile.name, repo, ...(keys ? { keys } : {}) }, p),
      );
    // An S3 stanza tells by its error that it needs keys: they are asked then, and the read tried again.
    const result = await Promise.resolve(read()).catch(async (e: unknown) => {
      if (!(e instanceof PgBackupError) || !keysProblem(repo, e.message)) throw e;
      const keys = await askRepositoryKeys(title);
      if (!keys) throw e;
      return read(keys);
    });
    void vscode.window.showInformationMessage(
      `${profile.name} now has the backup repository ${repoText(repo)} (${result.info?.backups.length ?? 0} backups).`,
    );
    return result;
  }
  if (picked.mode === 'barman') return setUpBarmanUi(ctx, profile, title);
  const stanza = await askText(
    title,
    'The stanza (the name of this cluster in the repository).',
    safeName(profile.name),
    nameCheck,
  );
  if (stanza === undefined) return undefined;
  const repository = await askRepository(title, picked.mode);
  if (!repository) return undefined;
  const keys = repository.kind === 's3' ? await askRepositoryKeys(title) : undefined;
  if (repository.kind === 's3' && !keys) return undefined;
  const configFile = await askText(title, 'Where pgbackrest.conf is written.', DEFAULT_CONFIG, absCheck);
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
    addBackupRepository(ctx)({ connection: profile.name, generate: generateReq, apply: true, keys }, p),
  );
  const summary = (result.steps ?? []).map((s) => `${s.step}: ${s.ok ? 'ok' : s.message}`).join('; ');
  if (result.saved)
    void vscode.window.showInformationMessage(`${profile.name} backs up into ${repoText(result.repo)}. ${summary}`);
  else void vscode.window.showWarningMessage(`${repoText(result.repo)} is not set up yet: ${summary}`);
  return result;
};
