/**
 * Backup repositories in a real VS Code host, against a real pgBackRest repository: a throwaway cluster of its own
 * gets one through "Add Backup Repository…" (the generated pgbackrest.conf written, archive_command set with ALTER
 * SYSTEM, stanza-create and check run as the cluster's OS user); the Backups view shows it as a group whose rows
 * are read from `pgbackrest info`; Back Up Now adds a row (full, then an incremental that references it); the PITR
 * builder opened on a repository backup gives pgBackRest's restore for a target and refuses one before the backup
 * ended; a stanza that does not exist shows pgBackRest's message in its group and the local backups still list.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RepoBackup } from '../../../src/core/engines/types';
import type { PitrModel } from '../../../src/core/pitr/model';
import type { AddBackupRepositoryResult } from '../../../src/extension/commands/add-backup-repository';
import type { PgBackupApi } from '../../../src/extension/main';
import type { RepositoryTreeNode } from '../../../src/extension/tree/repository-nodes';
import { destroyCluster, startCluster, type Cluster } from '../../support/cluster';
import { workFolder } from '../../support/work-folder';
import { immediateDrill } from '../repository-drill';
import { repositoryGroups, repositoryRows } from '../repository-rows';

const EXTENSION_ID = 'pg-backup.pg-backup';

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  );
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('backup repositories (pgBackRest)', function () {
  this.timeout(180_000);
  let api: PgBackupApi;
  let cluster: Cluster | undefined;
  let base: string;
  let savedConnections: unknown;
  let savedTmp: string | undefined;
  let full: RepoBackup;
  let incr: RepoBackup;
  const settings = () => vscode.workspace.getConfiguration('pgBackup');

  before(async function () {
    try {
      execFileSync('pgbackrest', ['version']);
    } catch {
      this.skip(); // the test command installs pgBackRest; without it there is nothing real to test against
    }
    api = await vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!.activate();
    // The host's temp folder is private to this user: the cluster and the repository live where postgres reaches.
    savedTmp = process.env.PGBACKUP_TEST_TMP;
    process.env.PGBACKUP_TEST_TMP = '/tmp';
    savedConnections = settings().inspect('connections')?.workspaceValue;
    base = workFolder('pgb-ext-repo-', 0o755);
    for (const d of ['log', 'lock', 'spool']) mkdirSync(join(base, d));
    if (process.getuid?.() === 0)
      execFileSync('chown', ['-R', 'postgres:postgres', join(base, 'log'), join(base, 'lock'), join(base, 'spool')]);
    // archive_mode on from the start (it needs a restart); WAL waits in pg_wal until the command archives it.
    cluster = await startCluster({ conf: ['archive_mode = on', "archive_command = '/bin/false'"] });
    await cluster.psql(
      'CREATE TABLE kept (id int PRIMARY KEY, note text); INSERT INTO kept SELECT g, md5(g::text) FROM generate_series(1, 500) g',
    );
    const repoConnection = {
      name: 'repo-test',
      host: cluster.socketDir,
      port: cluster.port,
      user: 'postgres',
      database: 'postgres',
    };
    const others = ((savedConnections as object[] | undefined) ?? []).filter(
      (c) => (c as { name: string }).name !== 'repo-test',
    );
    await settings().update('connections', [...others, repoConnection], vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    for (const p of api?.pitrPanels() ?? []) p.dispose();
    if (api) await settings().update('connections', savedConnections, vscode.ConfigurationTarget.Workspace);
    await destroyCluster(cluster);
    if (base) rmSync(base, { recursive: true, force: true });
    if (savedTmp === undefined) delete process.env.PGBACKUP_TEST_TMP;
    else process.env.PGBACKUP_TEST_TMP = savedTmp;
  });

  const groups = () => repositoryGroups(api);
  const rows = (connection: string) => repositoryRows(api, connection);

  it('registers the repository commands', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['addBackupRepository', 'repositoryBackup', 'repositoryVerify', 'repositoryExpire'])
      assert.ok(commands.has(`pgBackup.${id}`), `pgBackup.${id} is not registered`);
  });

  it('Add Backup Repository generates a local pgBackRest setup, and applying it creates and checks the stanza', async () => {
    const generate = {
      stanza: 'ext',
      repository: { kind: 'local' as const, path: join(base, 'repo') },
      configFile: join(base, 'pgbackrest.conf'),
      paths: { log: join(base, 'log'), lock: join(base, 'lock'), spool: join(base, 'spool') },
      retentionFull: 2,
    };
    const shown = await vscode.commands.executeCommand<AddBackupRepositoryResult>('pgBackup.addBackupRepository', {
      connection: 'repo-test',
      generate,
    });
    assert.equal(shown.saved, false, 'generating alone must not save or apply anything');
    const text = shown.document!.getText();
    assert.match(text, /^repo1-path=.*\/repo$/m);
    assert.match(text, /^repo1-retention-full=2$/m);
    assert.match(text, new RegExp(`^pg1-path=${cluster!.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.match(text, /archive_command = 'pgbackrest --config=.* --stanza=ext archive-push %p'/);
    assert.match(text, /stanza-create/);
    const result = await vscode.commands.executeCommand<AddBackupRepositoryResult>('pgBackup.addBackupRepository', {
      connection: 'repo-test',
      generate,
      apply: true,
    });
    assert.deepEqual(
      result.steps?.map((s) => [s.step, s.ok]),
      [
        ['stanza-create', true],
        ['check', true],
      ],
      JSON.stringify(result.steps),
    );
    assert.equal(result.saved, true);
    assert.match(readFileSync(join(base, 'pgbackrest.conf'), 'utf8'), /^\[ext\]$/m);
    const saved = settings()
      .inspect<{ name: string; repository?: unknown }[]>('connections')
      ?.workspaceValue?.find((c) => c.name === 'repo-test');
    assert.deepEqual(saved?.repository, { engine: 'pgbackrest', name: 'ext', config: join(base, 'pgbackrest.conf') });
    assert.equal((await cluster!.psql('SHOW archive_command')).trim(), result.setup!.archiveCommand);
  });

  it('shows the repository as a group in the Backups view, with no backup yet', async () => {
    const { group, rows: list } = await rows('repo-test');
    const item = api.backupsTree.getTreeItem(group);
    assert.equal(item.label, 'pgbackrest:ext (repo-test)');
    assert.match(String(item.description), /(^|· )0 backups · pgBackRest 2\.\d+$/);
    assert.equal(list[0]?.kind, 'repoMessage');
    // Its menu by engine: Set Repository Keys… (pgBackRest's S3 keys) on a pgBackRest group only.
    assert.equal(item.contextValue, 'repository.pgbackrest');
    const menus = vscode.extensions.getExtension('pg-backup.pg-backup')!.packageJSON.contributes.menus[
      'view/item/context'
    ] as { command: string; when: string }[];
    const keysWhen = menus.find((m) => m.command === 'pgBackup.setRepositoryKeys')!.when;
    assert.match(keysWhen, /viewItem == repository\.pgbackrest$/);
    for (const command of ['pgBackup.repositoryBackup', 'pgBackup.repositoryVerify', 'pgBackup.repositoryExpire'])
      assert.ok(
        menus.some((m) => m.command === command && /viewItem =~ \/\^\(?repository/.test(m.when)),
        `${command} is on every engine's group`,
      );
  });

  it('Back Up Now takes a full backup, then an incremental one: each adds a row, the incremental references the full', async () => {
    let redrawn = 0;
    const listening = api.backupsTree.onDidChangeTreeData(() => redrawn++);
    full = await vscode.commands.executeCommand<RepoBackup>('pgBackup.repositoryBackup', {
      connection: 'repo-test',
      type: 'full',
    });
    assert.equal(full.type, 'full');
    listening.dispose();
    assert.ok(redrawn > 0, 'the view is told to redraw after a backup');
    let list = (await rows('repo-test')).rows;
    const backups = () => list.filter((r): r is RepositoryTreeNode & { kind: 'repoBackup' } => r.kind === 'repoBackup');
    assert.deepEqual(
      backups().map((b) => b.backup.label),
      [full.label],
    );
    await cluster!.psql('INSERT INTO kept SELECT g, md5(g::text) FROM generate_series(501, 600) g');
    incr = await vscode.commands.executeCommand<RepoBackup>('pgBackup.repositoryBackup', {
      connection: 'repo-test',
      type: 'incr',
    });
    list = (await rows('repo-test')).rows;
    assert.deepEqual(
      backups().map((b) => b.backup.label),
      [incr.label, full.label],
      'newest first',
    );
    const incrRow = backups()[0];
    assert.deepEqual(incrRow.backup.references, [full.label]);
    const item = api.backupsTree.getTreeItem(incrRow);
    assert.equal(item.contextValue, 'repoBackup.incr');
    assert.match(String(item.description), new RegExp(`^incr · ← ${full.label} · .* db / .* in repo · `));
    const tip = (item.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /\| LSN \| [0-9A-F]+\/[0-9A-F]+ → [0-9A-F]+\/[0-9A-F]+ \|/);
    assert.match(tip, /\| Needs \| /);
    const archive = list.find((r) => r.kind === 'repoArchive');
    assert.ok(archive, 'the WAL archive range is listed');
    assert.match(
      String(api.backupsTree.getTreeItem(archive).description),
      /^[0-9A-F]{24} … [0-9A-F]{24} \(timeline 1\)$/,
    );
    const groupItem = api.backupsTree.getTreeItem((await rows('repo-test')).group);
    assert.match(String(groupItem.description), /^2 backups · pgBackRest /);
  });

  it("Verify checks the repository with pgBackRest's verify; Expire's dry run keeps both backups (retention 2 fulls)", async () => {
    const verified = await vscode.commands.executeCommand<{ ok: boolean; message: string }>(
      'pgBackup.repositoryVerify',
      {
        connection: 'repo-test',
      },
    );
    assert.equal(verified.ok, true, verified.message);
    const expired = await vscode.commands.executeCommand<{ removed: string[] }>('pgBackup.repositoryExpire', {
      connection: 'repo-test',
      dryRun: true,
    });
    assert.deepEqual(expired.removed, []);
    assert.equal((await rows('repo-test')).rows.filter((r) => r.kind === 'repoBackup').length, 2);
  });

  it('redraws the view from its cache: no second pgbackrest info until something changes', async () => {
    await rows('repo-test');
    const reads = api.backupsTree.repositories.reads;
    await rows('repo-test');
    await rows('repo-test');
    assert.equal(api.backupsTree.repositories.reads, reads);
  });

  it('lists the view without waiting for the engine: the groups come at once, the info when pgbackrest answers', async function () {
    const local = async () => {
      const t0 = performance.now();
      await api.backupsTree.getChildren();
      return performance.now() - t0;
    };
    api.backupsTree.refresh();
    const withRepository = await local();
    const group = (await groups()).find((g) => g.connection === 'repo-test')!;
    const state = api.backupsTree.repositories.state(group.connection, group.repo);
    assert.equal(state.status, 'reading', 'a fresh read is under way while the view is already listed');
    const read = await api.backupsTree.repositories.read(group.connection, group.repo);
    assert.equal(read.status, 'ok');
    const infoMs = read.status === 'ok' ? read.ms : NaN;
    assert.ok(
      withRepository < infoMs,
      `the listing (${withRepository.toFixed(1)} ms) waited for pgbackrest info (${infoMs.toFixed(0)} ms)`,
    );
    this.test!.title += `: listing ${withRepository.toFixed(1)} ms, pgbackrest info ${infoMs.toFixed(0)} ms`;
  });

  it("opens the PITR builder on a repository backup: pgBackRest's restore for a time target, a time before the backup's end refused", async () => {
    const { rows: list } = await rows('repo-test');
    const node = list.find((r) => r.kind === 'repoBackup' && r.backup.label === incr.label)!;
    await vscode.commands.executeCommand('pgBackup.openPitrBuilder', node);
    const panel = api.pitrPanels().find((p) => p.panel.title === `PITR: ${incr.label}`);
    assert.ok(
      panel,
      `no PITR panel for ${incr.label}: ${api
        .pitrPanels()
        .map((p) => p.panel.title)
        .join(', ')}`,
    );
    await within(30_000, 'the panel\'s "ready" message', panel.ready);
    const after = new Date(Date.parse(incr.stoppedAt) + 2000)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
    const model: PitrModel = {
      serverMajor: 15,
      target: { kind: 'time', value: after },
      inclusive: true,
      timeline: 'latest',
      action: 'promote',
      source: { kind: 'pgbackrest', stanza: 'ext' },
    };
    const { argv, line } = await panel.restoreCommand(model, '/var/lib/postgresql/15/restored');
    assert.equal(argv[0], 'pgbackrest');
    assert.ok(argv.includes('--stanza=ext'), line);
    assert.ok(argv.includes(`--config=${join(base, 'pgbackrest.conf')}`), line);
    assert.ok(argv.includes('--type=time'), line);
    assert.ok(
      argv.some((a) => a.startsWith('--target=') && a.includes(after.slice(0, 16))),
      line,
    );
    assert.ok(argv.includes('--target-action=promote'), line);
    assert.ok(argv.includes(`--set=${incr.label}`), line);
    assert.ok(argv.includes('--pg1-path=/var/lib/postgresql/15/restored'), line);
    assert.equal(argv.at(-1), 'restore');
    const before = new Date(Date.parse(incr.stoppedAt) - 60_000)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
    await assert.rejects(
      panel.restoreCommand({ ...model, target: { kind: 'time', value: before } }, '/var/lib/postgresql/15/restored'),
      /before the backup ended/,
    );
  });

  it('Run a drill here restores the repository backup into a scratch folder and reports the rows that came back', async () => {
    const panel = api.pitrPanels().find((p) => p.panel.title === `PITR: ${incr.label}`);
    assert.ok(panel, 'the PITR builder of the incremental backup is open');
    const result = await immediateDrill(panel, 'ext');
    assert.equal(result.reachedTarget, true);
    const kept = result.tables.find((t) => t.name === 'kept');
    assert.equal(kept?.rows, 600, 'every row written before the incremental backup came back');
    const log = join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.pgbackup', 'drills.md');
    assert.match(readFileSync(log, 'utf8'), new RegExp(`PASSED · pgbackrest:ext .*${incr.label} \\(incr\\)`));
  });

  it("counts the repository in the RPO/RTO status as the connection's: its newest backup and the drill just run", async () => {
    const report = await api.status.refresh();
    const row = report?.rows.find((r) => r.connection === 'repo-test' && r.database === '(cluster)');
    assert.ok(
      row,
      `no repository row: ${JSON.stringify(report?.rows.map((r) => [r.connection, r.server, r.database]))}`,
    );
    assert.equal(row.backups, 2);
    assert.equal(row.newestGood?.name, `${incr.label} (incr)`);
    assert.equal(row.drill?.passed, true, 'the drill from the PITR builder is the RTO proof');
  });

  it("a stanza that does not exist shows pgBackRest's message in its group, and the local backups still list", async () => {
    const list = settings().inspect<object[]>('connections')?.workspaceValue ?? [];
    const broken = {
      name: 'repo-broken',
      host: cluster!.socketDir,
      port: cluster!.port,
      user: 'postgres',
      repository: { engine: 'pgbackrest', name: 'nope', config: join(base, 'pgbackrest.conf') },
    };
    await settings().update('connections', [...list, broken], vscode.ConfigurationTarget.Workspace);
    const { group, rows: shown } = await rows('repo-broken');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].kind, 'repoMessage');
    const item = api.backupsTree.getTreeItem(shown[0]);
    assert.equal(item.contextValue, 'repoError');
    assert.match(String(item.label), /pgBackRest|stanza|nope/i);
    assert.match(String(api.backupsTree.getTreeItem(group).description), /^✗ /);
    assert.ok(
      (await rows('repo-test')).rows.some((r) => r.kind === 'repoBackup'),
      'the good repository still lists',
    );
  });
});
