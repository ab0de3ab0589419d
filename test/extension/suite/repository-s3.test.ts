/**
 * Repository keys and a Barman setup in a real VS Code host. A pgBackRest repository in an S3-compatible bucket
 * (s3rver over TLS, a self-signed certificate: repo1-storage-verify-tls=n) is added through "Add Backup
 * Repository…" as a user would — the keys typed into its input boxes (the secret in a password box) — and
 * applying it creates and checks the stanza with the keys from the keychain only: this host's own environment has
 * none (the cluster's server has them in its environment, for archive-push). Back Up Now and the group's listing
 * use them; wrong keys show pgBackRest's message in the group with a row that runs Set Repository Keys…; the
 * secret is in no setting, output channel line, config file or pgBackRest log. Then a Barman server is set up from
 * the editor for another cluster whose roles need passwords (a pgpass file for Barman's user, the connection's own
 * password taken from the keychain), and Barman checks and lists it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RepoBackup } from '../../../src/core/engines/types';
import type { AddBackupRepositoryResult } from '../../../src/extension/commands/add-backup-repository';
import type { PgBackupApi } from '../../../src/extension/main';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../../support/cluster';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { workFolder } from '../../support/work-folder';
import { startBarmanCluster } from '../../support/barman-cluster';
import { immediateDrill } from '../repository-drill';
import { repositoryRows } from '../repository-rows';
import { spyOn } from '../host-spies';

const EXTENSION_ID = 'pg-backup.pg-backup';
/** s3rver checks the access key id only, not the signature: the secret is ours to choose and to look for. */
const SECRET = 'pgb-repo-s3-secret-7Hq2';
const isRoot = process.getuid?.() === 0;

const settings = () => vscode.workspace.getConfiguration('pgBackup');
type Profile = { name: string } & Record<string, unknown>;

async function addConnection(profile: Profile): Promise<void> {
  const list = (settings().inspect<Profile[]>('connections')?.workspaceValue ?? []).filter(
    (c) => c.name !== profile.name,
  );
  await settings().update('connections', [...list, profile], vscode.ConfigurationTarget.Workspace);
}

/** Answers the window's prompts as a user would, by their prompt or placeholder; records what was asked. */
function answerPrompts(answers: { input: [RegExp, string][]; pick: [RegExp, RegExp][]; modal: RegExp }) {
  const w = vscode.window as unknown as Record<string, unknown>;
  const real = { ...w };
  const asked: { prompt: string; password: boolean }[] = [];
  w.showInputBox = async (o?: vscode.InputBoxOptions) => {
    const prompt = o?.prompt ?? '';
    asked.push({ prompt, password: o?.password === true });
    const a = answers.input.find(([q]) => q.test(prompt));
    assert.ok(a, `an unexpected input box: ${prompt}`);
    const value = a[1] === '<default>' ? (o?.value ?? '') : a[1];
    assert.equal(o?.validateInput?.(value) ?? undefined, undefined, `"${value}" refused for ${prompt}`);
    return value;
  };
  w.showQuickPick = async (items: readonly vscode.QuickPickItem[], o?: vscode.QuickPickOptions) => {
    const q = o?.placeHolder ?? o?.title ?? '';
    asked.push({ prompt: q, password: false });
    const a = answers.pick.find(([p]) => p.test(q));
    assert.ok(a, `an unexpected quick pick: ${q}`);
    return (await items).find((i) => a[1].test(i.label));
  };
  w.showWarningMessage = async (message: string, ...rest: unknown[]) => {
    assert.match(message, answers.modal);
    return rest.find((r): r is string => typeof r === 'string' && /^Set Up /.test(r));
  };
  w.showInformationMessage = async () => undefined;
  const replaced = ['showInputBox', 'showQuickPick', 'showWarningMessage', 'showInformationMessage'];
  return { asked, restore: () => replaced.forEach((n) => (w[n] = real[n])) };
}

/** Every line the extension writes to its output channel from now on. */
const recordChannel = (api: PgBackupApi) =>
  spyOn(api.log.channel, ['info', 'error', 'warn', 'debug', 'trace', 'append', 'appendLine'], (_, a) =>
    a.map(String).join(' '),
  );

describe('backup repositories: S3 keys in the keychain, and a Barman setup', function () {
  this.timeout(300_000);
  let api: PgBackupApi;
  let savedConnections: unknown;
  let savedTmp: string | undefined;
  const rows = (connection: string) => repositoryRows(api, connection);

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!.activate();
    savedConnections = settings().inspect('connections')?.workspaceValue;
    // The host's temp folder is private to this user: clusters and repositories live where postgres reaches.
    savedTmp = process.env.PGBACKUP_TEST_TMP;
    process.env.PGBACKUP_TEST_TMP = '/tmp';
  });

  after(async () => {
    if (api) await settings().update('connections', savedConnections, vscode.ConfigurationTarget.Workspace);
    if (savedTmp === undefined) delete process.env.PGBACKUP_TEST_TMP;
    else process.env.PGBACKUP_TEST_TMP = savedTmp;
  });

  describe('a pgBackRest repository in an S3 bucket', () => {
    let s3: S3TestServer;
    let cluster: Cluster | undefined;
    let base: string;
    let channel: ReturnType<typeof recordChannel>;
    let added: AddBackupRepositoryResult;
    let full: RepoBackup;

    before(async function () {
      try {
        execFileSync('pgbackrest', ['version']);
      } catch {
        this.skip(); // the test command installs pgBackRest; without it there is nothing real to test against
      }
      assert.equal(process.env.PGBACKREST_REPO1_S3_KEY, undefined, 'the host must not have the keys already');
      s3 = await startS3Server({ tls: true, buckets: ['pgbr'] });
      base = workFolder('pgb-ext-repo-s3-', 0o755);
      cluster = await startCluster({ conf: ['archive_mode = on', "archive_command = '/bin/false'"] });
      await cluster.psql('CREATE TABLE far (id int PRIMARY KEY); INSERT INTO far SELECT generate_series(1, 321)');
      // archive-push runs inside the server: it has the keys in its own environment, as a service unit gives them.
      await cluster.stop();
      const start = [
        join(cluster.bin, 'pg_ctl'),
        '-D',
        cluster.dataDir,
        '-l',
        join(cluster.baseDir, 'server.log'),
        '-w',
        'start',
      ];
      const [file, ...args] = isRoot ? ['runuser', '-u', 'postgres', '--', ...start] : start;
      execFileSync(file, args, {
        env: { ...process.env, PGBACKREST_REPO1_S3_KEY: 'S3RVER', PGBACKREST_REPO1_S3_KEY_SECRET: SECRET },
        stdio: 'ignore',
      });
      await addConnection({
        name: 's3-test',
        host: cluster.socketDir,
        port: cluster.port,
        user: 'postgres',
        database: 'postgres',
      });
      channel = recordChannel(api);
    });

    after(async () => {
      channel?.restore();
      await destroyCluster(cluster);
      await s3?.stop();
      if (base) rmSync(base, { recursive: true, force: true });
    });

    it('Add Backup Repository… asks the S3 keys (the secret in a password box), and applying creates and checks the stanza', async () => {
      const configFile = join(base, 'pgbackrest.conf');
      const prompts = answerPrompts({
        pick: [
          [/^Which repository\?$/, /^Set up an S3-compatible pgBackRest repository$/],
          [/over https$/, /^Do not verify it$/],
        ],
        input: [
          [/^The stanza/, 's3ext'],
          [/^The S3 bucket/, 'pgbr'],
          [/^The S3 endpoint/, `127.0.0.1:${s3.port}`],
          [/^The region/, '<default>'],
          [/^Access key id/, 'S3RVER'],
          [/^Secret access key/, SECRET],
          [/pgbackrest\.conf is written/, configFile],
        ],
        modal: /^Set up the pgBackRest stanza s3ext for s3-test/,
      });
      try {
        added = (await vscode.commands.executeCommand<AddBackupRepositoryResult>('pgBackup.addBackupRepository', {
          kind: 'connection',
          profile: settingsProfile('s3-test'),
        }))!;
      } finally {
        prompts.restore();
      }
      assert.ok(added, `nothing came back; asked: ${prompts.asked.map((a) => a.prompt).join(' | ')}`);
      assert.deepEqual(
        prompts.asked.filter((a) => a.password).map((a) => a.prompt),
        ['Secret access key (kept in the OS keychain)'],
        'the secret, and only it, is typed into a password box',
      );
      const steps = added.steps?.map((s) => `${s.step} ${s.ok ? 'ok' : s.message}`).join('; ');
      assert.equal(steps, 'stanza-create ok; check ok');
      assert.equal(added.saved, true);
      const text = readFileSync(configFile, 'utf8');
      assert.match(text, /^repo1-type=s3$/m);
      assert.match(text, new RegExp(`^repo1-storage-port=${s3.port}$`, 'm'));
      assert.match(text, /^repo1-storage-verify-tls=n$/m);
      assert.match(text, /come from PGBACKREST_REPO1_S3_KEY and PGBACKREST_REPO1_S3_KEY_SECRET/);
      assert.match(added.document!.getText(), /OS keychain \(Set Repository Keys…\)/);
      assert.equal(process.env.PGBACKREST_REPO1_S3_KEY, undefined, 'the keys never went into the host environment');
      assert.match(readdirSync(join(s3.directory, 'pgbr', 'pgbackrest', 'backup', 's3ext')).join(' '), /backup\.info/);
    });

    it('Back Up Now writes into the bucket with the keys from the keychain, and the group lists the backup', async () => {
      full = await vscode.commands.executeCommand<RepoBackup>('pgBackup.repositoryBackup', {
        connection: 's3-test',
        type: 'full',
      });
      assert.equal(full.type, 'full');
      const { group, rows: list } = await rows('s3-test');
      assert.deepEqual(
        list.filter((r) => r.kind === 'repoBackup').map((r) => (r as { backup: RepoBackup }).backup.label),
        [full.label],
      );
      assert.match(String(api.backupsTree.getTreeItem(group).description), /^1 backup · pgBackRest 2\./);
    });

    it("wrong keys show pgBackRest's message in the group and a row that runs Set Repository Keys…; the right ones list it again", async () => {
      await vscode.commands.executeCommand('pgBackup.setRepositoryKeys', {
        connection: 's3-test',
        accessKeyId: 'NOT-A-KEY',
        secretAccessKey: 'wrong',
      });
      let { group, rows: list } = await rows('s3-test');
      assert.equal(list[0]?.kind, 'repoMessage');
      assert.match(String(api.backupsTree.getTreeItem(list[0]).label), /403 \(Forbidden\)/);
      assert.match(String(api.backupsTree.getTreeItem(group).description), /^✗ .*403/);
      const hint = api.backupsTree.getTreeItem(list[1]);
      assert.equal(hint.contextValue, 'repoKeysHint');
      assert.match(String(hint.label), /Set Repository Keys…/);
      assert.equal(hint.command?.command, 'pgBackup.setRepositoryKeys');
      assert.deepEqual(hint.command?.arguments, ['s3-test']);
      await vscode.commands.executeCommand('pgBackup.setRepositoryKeys', { connection: 's3-test', clear: true });
      list = (await rows('s3-test')).rows;
      assert.match(
        String(api.backupsTree.getTreeItem(list[0]).label),
        /repo1-s3-key/,
        'no keys: pgBackRest says which',
      );
      assert.equal(api.backupsTree.getTreeItem(list[1]).contextValue, 'repoKeysHint');
      await vscode.commands.executeCommand('pgBackup.setRepositoryKeys', {
        connection: 's3-test',
        accessKeyId: 'S3RVER',
        secretAccessKey: SECRET,
      });
      ({ group, rows: list } = await rows('s3-test'));
      assert.ok(list.some((r) => r.kind === 'repoBackup' && r.backup.label === full.label));
    });

    it('Run a drill here restores the backup from the bucket, the throwaway server reading WAL with the keys', async () => {
      const node = (await rows('s3-test')).rows.find((r) => r.kind === 'repoBackup' && r.backup.label === full.label);
      await vscode.commands.executeCommand('pgBackup.openPitrBuilder', node);
      const panel = api.pitrPanels().find((p) => p.panel.title === `PITR: ${full.label}`);
      assert.ok(panel, 'the PITR builder opened on the S3 backup');
      await panel.ready;
      try {
        const result = await immediateDrill(panel, 's3ext');
        assert.equal(result.tables.find((t) => t.name === 'far')?.rows, 321);
      } finally {
        panel.dispose();
      }
    });

    it('counts the S3 repository in the RPO/RTO status, read with its keys', async () => {
      const report = await api.status.refresh();
      const row = report?.rows.find((r) => r.connection === 's3-test' && r.database === '(cluster)');
      assert.ok(row, `no repository row; problems: ${report?.problems.join('; ')}`);
      assert.equal(row.backups, 1);
      assert.equal(row.drill?.passed, true, 'the drill from the bucket is the RTO proof');
    });

    it('adding the existing S3 stanza to another connection asks its keys when pgBackRest says it needs them', async () => {
      await addConnection({ name: 's3-again', host: cluster!.socketDir, port: cluster!.port, user: 'postgres' });
      const prompts = answerPrompts({
        pick: [[/^Which repository\?$/, /^Use an existing pgBackRest stanza$/]],
        input: [
          [/^The stanza\.$/, 's3ext'],
          [/config file/, join(base, 'pgbackrest.conf')],
          [/^Access key id/, 'S3RVER'],
          [/^Secret access key/, SECRET],
        ],
        modal: /^$/,
      });
      let result: AddBackupRepositoryResult | undefined;
      try {
        result = await vscode.commands.executeCommand<AddBackupRepositoryResult>('pgBackup.addBackupRepository', {
          kind: 'connection',
          profile: settingsProfile('s3-again'),
        });
      } finally {
        prompts.restore();
      }
      const asked = prompts.asked.map((a) => a.prompt);
      assert.ok(
        asked.indexOf('Access key id of the bucket') > asked.findIndex((p) => /config file/.test(p)),
        `the keys are asked after the first read failed: ${asked.join(' | ')}`,
      );
      assert.equal(result?.saved, true);
      assert.deepEqual(
        result?.info?.backups.map((b) => b.label),
        [full.label],
      );
      const { rows: list } = await repositoryRows(api, 's3-again');
      assert.ok(
        list.some((r) => r.kind === 'repoBackup'),
        'the new group reads the bucket with the keys it was given',
      );
    });

    it('the secret is in no setting, output channel line, config file or pgBackRest log', () => {
      assert.ok(channel.calls.length > 0, 'the output channel got lines');
      assert.ok(!channel.calls.some((l) => l.includes(SECRET)), 'the output channel shows the secret');
      assert.ok(
        channel.calls.some((l) => /pgbackrest .*--stanza=s3ext/.test(l)),
        'the commands were logged',
      );
      const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
      assert.ok(!readFileSync(join(ws, '.vscode', 'settings.json'), 'utf8').includes(SECRET), 'settings.json');
      assert.ok(!JSON.stringify(settings().get('connections')).includes(SECRET), 'the settings');
      // grep exits 1 when no file matches.
      const logs = readdirSync('/var/log/pgbackrest')
        .filter((f) => f.startsWith('s3ext-'))
        .map((f) => join('/var/log/pgbackrest', f));
      const grep = spawnSync('grep', ['-rl', SECRET, base, cluster!.dataDir, ...logs], { encoding: 'utf8' });
      assert.equal(grep.status, 1, `files holding the secret: ${grep.stdout}${grep.stderr}`);
    });
  });

  describe('a Barman server set up from the editor', () => {
    let cluster: Cluster | undefined;
    let work: string;
    let result: AddBackupRepositoryResult;
    const BACKUP_PASSWORD = 'bkp-Ext-Secret-51';
    const STREAM_PASSWORD = 'str-Ext-Secret-52';

    before(async function () {
      if (spawnSync('barman', ['--version']).status !== 0) {
        this.test!.title += ' (skipped: barman is not installed)';
        this.skip();
      }
      if (isRoot && spawnSync('id', ['-u', 'barman']).status !== 0) {
        this.test!.title += ' (skipped: there is no OS user "barman")';
        this.skip();
      }
      cluster = await startBarmanCluster({ backup: BACKUP_PASSWORD, stream: STREAM_PASSWORD });
      work = workFolder('pgb-ext-barman-', 0o755);
      // The connection logs in as the backup role with its password saved in the keychain (Set Password…).
      await addConnection({
        name: 'barman-test',
        host: '127.0.0.1',
        port: cluster.port,
        user: 'pgb_backup',
        database: 'postgres',
      });
      const w = vscode.window as unknown as Record<string, unknown>;
      const real = w.showInputBox;
      w.showInputBox = async () => BACKUP_PASSWORD;
      try {
        await vscode.commands.executeCommand('pgBackup.setPassword', {
          kind: 'connection',
          profile: settingsProfile('barman-test'),
        });
      } finally {
        w.showInputBox = real;
      }
    });

    after(async () => {
      const config = result?.barman?.setup.configFile;
      if (config) {
        const argv = ['barman', '-c', config, 'receive-wal', '--stop', 'pg15ext'];
        spawnSync(isRoot ? 'runuser' : argv[0], isRoot ? ['-u', 'barman', '--', ...argv] : argv.slice(1));
      }
      await destroyCluster(cluster);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('generates the configuration (no password in it), applies it, and saves barman:SERVER with the connection', async () => {
      const barman = {
        server: 'pg15ext',
        home: join(work, 'home'),
        user: 'pgb_backup',
        streamingUser: 'pgb_stream',
        configFile: join(work, 'barman.conf'),
      };
      const shown = await vscode.commands.executeCommand<AddBackupRepositoryResult>('pgBackup.addBackupRepository', {
        connection: 'barman-test',
        barman,
        passwords: { pgb_stream: STREAM_PASSWORD },
      });
      assert.equal(shown.saved, false, 'generating alone applies nothing');
      const doc = shown.document!.getText();
      assert.match(doc, /^backup_method = postgres$/m);
      assert.match(doc, new RegExp(`^path_prefix = ${PG15_BIN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      assert.match(doc, /wal_level = replica/);
      assert.match(doc, /receive-wal --create-slot pg15ext/);
      assert.doesNotMatch(doc, /Ext-Secret/);
      const channel = recordChannel(api);
      try {
        result = await vscode.commands.executeCommand<AddBackupRepositoryResult>('pgBackup.addBackupRepository', {
          connection: 'barman-test',
          barman,
          passwords: { pgb_stream: STREAM_PASSWORD },
          apply: true,
        });
      } catch (e) {
        // What Barman saw: its log and its streaming folder, with what the extension logged.
        const log = spawnSync('tail', ['-n', '25', join(barman.home, 'barman.log')], { encoding: 'utf8' }).stdout;
        const streaming = spawnSync('ls', ['-la', join(barman.home, 'pg15ext', 'streaming')], { encoding: 'utf8' });
        throw new Error(
          `${String(e)}\n${log}\n${streaming.stdout}${streaming.stderr}\n${channel.calls.slice(-15).join('\n')}`,
        );
      } finally {
        channel.restore();
      }
      assert.equal(result.saved, true);
      assert.equal(result.info?.repo.name, 'pg15ext');
      const saved = settings()
        .inspect<{ name: string; repository?: unknown }[]>('connections')
        ?.workspaceValue?.find((c) => c.name === 'barman-test');
      assert.deepEqual(saved?.repository, { engine: 'barman', name: 'pg15ext', config: barman.configFile });
      assert.doesNotMatch(readFileSync(barman.configFile, 'utf8'), /Ext-Secret/);
      const passfile = result.barman!.passfile!;
      const st = statSync(passfile);
      assert.equal(st.mode & 0o777, 0o600);
      if (isRoot) assert.equal(st.uid, Number(execFileSync('id', ['-u', 'barman']).toString()), 'owned by barman');
      const pass = readFileSync(passfile, 'utf8');
      assert.ok(pass.includes(`:pgb_backup:${BACKUP_PASSWORD}`), "the connection's own password, from the keychain");
      assert.ok(pass.includes(`:pgb_stream:${STREAM_PASSWORD}`), 'the streaming role password given');
    });

    it('the Backups view shows the Barman server as a group', async () => {
      const { group } = await rows('barman-test');
      assert.equal(api.backupsTree.getTreeItem(group).label, 'barman:pg15ext (barman-test)');
      assert.match(String(api.backupsTree.getTreeItem(group).description), /0 backups · Barman 3\./);
    });
  });
});

/** The saved connection profile of that name, as the Connections tree's node carries it. */
function settingsProfile(name: string): Profile {
  const found = (settings().get<Profile[]>('connections') ?? []).find((c) => c.name === name);
  assert.ok(found, `no saved connection ${name}`);
  return found;
}
