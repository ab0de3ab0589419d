/**
 * Off-site copies in the real host, against a real S3-compatible server (s3rver, started here on 127.0.0.1) and a
 * folder destination: destinations added through the command, keys kept in SecretStorage (never in settings or
 * the output channel), Copy Off-site… in a progress notification with percent, the destination groups and their
 * backups in the Backups view, the "✓ off-site" mark after Verify Off-site Copy, and a restore drill of a remote
 * backup, fetched to a temporary folder that is gone afterwards.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { RestoreDrillResult } from '../../../src/core/drill/restore-drill-result';
import type { DumpResult } from '../../../src/core/dump';
import { withClient } from '../../../src/core/connection/client';
import type { RestoreOutcome } from '../../../src/extension/restore/execute';
import type { CopyCheck, CopyResult } from '../../../src/core/offsite/types';
import type { BaseBackupResult } from '../../../src/core/physical/basebackup';
import type { PgBackupApi } from '../../../src/extension/main';
import type { PruneOffsiteResult } from '../../../src/extension/offsite/prune-offsite';
import type { BackupsTreeNode } from '../../../src/extension/tree/backups-tree';
import type { OffsiteGroupNode, RemoteBackupNode } from '../../../src/extension/tree/offsite-nodes';
import { S3_ACCESS_KEY, startS3Server, type S3TestServer } from '../../support/s3-server';
import { workFolder } from '../../support/work-folder';
import { runClosingPrompts } from '../host-spies';

/** s3rver does not check signatures: any secret works with its access key, so this one is ours to look for. */
const SECRET = 'pgb-offsite-secret-4f1c9a';

/**
 * Records every progress notification's title and reports, calling through to the real one. `cancelWhen` presses
 * the notification's Cancel (its token fires, as the button's does) on the first report it matches.
 */
function recordProgress(cancelWhen?: (message: string) => boolean) {
  const w = vscode.window as { withProgress: typeof vscode.window.withProgress };
  const original = w.withProgress;
  const seen: { title?: string; cancellable?: boolean; messages: string[] }[] = [];
  w.withProgress = (options, task) => {
    const record = { title: options.title, cancellable: options.cancellable, messages: [] as string[] };
    seen.push(record);
    const cancel = new vscode.CancellationTokenSource();
    return original(options, (progress, token) => {
      token.onCancellationRequested(() => cancel.cancel());
      return task(
        {
          report: (v) => {
            if (v.message) record.messages.push(v.message);
            progress.report(v);
            if (v.message && cancelWhen?.(v.message)) cancel.cancel();
          },
        },
        cancel.token,
      );
    });
  };
  return { seen, restore: () => (w.withProgress = original) };
}

/** Records what the extension writes to its output channel. */
function recordLog(api: PgBackupApi) {
  const channel = api.log.channel as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = ['info', 'error', 'warn', 'debug', 'trace', 'append', 'appendLine'];
  const originals = names.map((n) => [n, channel[n]] as const);
  const lines: string[] = [];
  for (const [n, f] of originals)
    channel[n] = (...a: unknown[]) => {
      lines.push(a.map(String).join(' '));
      return f.apply(channel, a);
    };
  return { lines, restore: () => originals.forEach(([n, f]) => (channel[n] = f)) };
}

describe('off-site copies in the editor', () => {
  let api: PgBackupApi;
  let s3: S3TestServer;
  let folder: string;
  let remoteFolder: string;
  let dump: DumpResult;
  let copy: CopyResult;
  let log: ReturnType<typeof recordLog>;
  const settings = () => vscode.workspace.getConfiguration('pgBackup');

  const tree = async () => (await api.backupsTree.getChildren()) as BackupsTreeNode[];
  const group = async (name: string) => {
    const g = (await tree()).find((n) => n.kind === 'offsiteGroup' && n.destination.name === name);
    assert.ok(g, `no group for ${name}`);
    return g as OffsiteGroupNode;
  };
  /** A group's row once its listing is in (listing waits for it). */
  const listedItem = async (name: string) => {
    const g = await group(name);
    await api.backupsTree.getChildren(g);
    return api.backupsTree.getTreeItem(g);
  };
  const localNode = async (path: string) => {
    for (const g of await tree()) {
      if (g.kind !== 'group') continue;
      const found = ((await api.backupsTree.getChildren(g)) as BackupsTreeNode[]).find(
        (n) => n.kind === 'backup' && n.entry.path === path,
      );
      if (found) return found;
    }
    assert.fail(`${path} is not in the Backups view`);
  };

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>('pg-backup.pg-backup')!.activate();
    log = recordLog(api);
    s3 = await startS3Server();
    folder = workFolder('pgb-offsite-ext-');
    remoteFolder = join(workFolder('pgb-offsite-ext-dest-'), 'copies');
    mkdirSync(remoteFolder);
    await settings().update('backupFolders', [folder], vscode.ConfigurationTarget.Workspace);
    dump = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
      connection: 'test',
      database: 'sample',
      options: { format: 'custom' },
      out: join(folder, 'sample.dump'),
    }))!;
  });

  after(async () => {
    log?.restore();
    await settings().update('backupFolders', undefined, vscode.ConfigurationTarget.Workspace);
    await settings().update('offsite.destinations', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('pgBackup.setOffsiteKeys', { destination: 'bucket', clear: true }).then(
      () => undefined,
      () => undefined,
    );
    await s3?.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(dirname(remoteFolder), { recursive: true, force: true });
  });

  it('adds a bucket destination to the settings and keeps its keys in SecretStorage only', async () => {
    await vscode.commands.executeCommand('pgBackup.addOffsiteDestination', {
      name: 'bucket',
      url: 's3://backups/pg',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      pathStyle: true,
    });
    await vscode.commands.executeCommand('pgBackup.setOffsiteKeys', {
      destination: 'bucket',
      accessKeyId: S3_ACCESS_KEY,
      secretAccessKey: SECRET,
    });
    const saved = settings().inspect('offsite.destinations')?.globalValue;
    assert.deepEqual(saved, [
      { name: 'bucket', url: 's3://backups/pg', endpoint: s3.endpoint, region: 'us-east-1', pathStyle: true },
    ]);
  });

  it('refuses a destination without a bucket or folder, in one line', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('pgBackup.addOffsiteDestination', { name: 'x', url: ' ' })),
      /"x" needs a folder or s3:\/\/bucket\/prefix\./,
    );
  });

  it('copies a dump off-site in a progress notification with percent, and says what was checked', async () => {
    const progress = recordProgress();
    try {
      const node = await localNode(dump.path);
      const run = await runClosingPrompts('pgBackup.copyOffsite', [node], 30_000);
      assert.ok(run.settled && !run.error, String(run.error));
    } finally {
      progress.restore();
    }
    const shown = progress.seen.find((p) => p.title === 'Copying sample.dump to bucket');
    assert.ok(shown, `notifications: ${progress.seen.map((p) => p.title).join(', ')}`);
    assert.equal(shown.cancellable, true);
    assert.ok(shown.messages.length > 0 && shown.messages.every((m) => /^\d+%/.test(m)), shown.messages.join('|'));
    assert.match(shown.messages.at(-1)!, /^100%/);
    assert.ok(existsSync(join(s3.directory, 'backups', 'pg', 'sample.dump._S3rver_object')), 'no object in the bucket');
    assert.ok(
      log.lines.some((l) => /Copied sample\.dump to bucket: .* in .*; the store did not check a sha256/.test(l)),
      log.lines.join('\n'),
    );
  });

  it('cancels a multipart copy from its notification: no object under the final key, no parts left', async function () {
    this.timeout(120_000);
    const big = `offsite_big_${Date.now().toString(36)}`;
    const server = { host: '127.0.0.1', port: Number(process.env.PGBACKUP_TEST_PORT), user: 'postgres' };
    await withClient({ ...server, database: 'postgres' }, {}, (c) => c.query(`create database "${big}"`));
    try {
      await withClient({ ...server, database: big }, {}, (c) =>
        c.query(
          `create table t as select g, md5(g::text) || md5((g * 3)::text) as a from generate_series(1, 600000) g`,
        ),
      );
      const plain = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
        connection: 'test',
        database: big,
        options: { format: 'plain' },
        out: join(folder, 'big.sql'),
      }))!;
      assert.ok(plain.sidecar.bytes > 32 << 20, `${plain.sidecar.bytes} bytes: not several 16 MiB parts`);
      api.backupsTree.refresh();
      const progress = recordProgress((m) => /^([1-9]\d?)%/.test(m));
      const logged = log.lines.length;
      let run;
      try {
        run = await runClosingPrompts('pgBackup.copyOffsite', [await localNode(plain.path)], 60_000);
      } finally {
        progress.restore();
      }
      assert.ok(run.settled && !run.error, String(run.error));
      const shown = progress.seen.find((p) => p.title === 'Copying big.sql to bucket');
      assert.ok(
        shown && shown.messages.length > 0 && !shown.messages.some((m) => m.startsWith('100%')),
        shown?.messages.join('|'),
      );
      // Cancelled, not failed: a failure would show (and log) an error instead.
      assert.ok(log.lines.slice(logged).includes('The copy was cancelled.'), log.lines.slice(logged).join('\n'));
      assert.ok(!existsSync(join(s3.directory, 'backups', 'pg', 'big.sql._S3rver_object')), 'an object was left');
      assert.deepEqual(s3.pendingUploads('backups'), []);
      const sidecar = JSON.parse(readFileSync(`${plain.path}.pgbackup.json`, 'utf8'));
      assert.equal(sidecar.copies, undefined, 'a cancelled copy was recorded');
      rmSync(plain.path);
      rmSync(`${plain.path}.pgbackup.json`);
    } finally {
      await withClient({ ...server, database: 'postgres' }, {}, (c) =>
        c.query(`drop database if exists "${big}" with (force)`),
      );
    }
  });

  it('shows the destination as a group with its backups and the same facts as local ones', async () => {
    api.backupsTree.refresh();
    const g = await group('bucket');
    const children = (await api.backupsTree.getChildren(g)) as BackupsTreeNode[];
    assert.equal(children.length, 1);
    const remote = children[0] as RemoteBackupNode;
    assert.equal(remote.kind, 'remoteBackup');
    assert.equal(remote.remote.location, 's3://backups/pg/sample.dump');
    const item = api.backupsTree.getTreeItem(remote);
    assert.equal(item.contextValue, 'remote.dump.custom');
    assert.match(String(item.description), /^custom · [\d.]+ [KM]B · just now · sha256 recorded · PG 15$/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /\| Database \| sample \|/);
    const groupItem = await listedItem('bucket');
    // s3rver implements neither versioning nor Object Lock: the group says the bucket does not protect its copies.
    assert.equal(groupItem.description, 'off-site · 1 backup · ⚠ no versioning or Object Lock');
    const tip = (groupItem.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /s3:\/\/backups\/pg at http:\/\/127\.0\.0\.1:/);
    assert.match(tip, /Protection: .*deleting the bucket, deleting the account/);
  });

  it('lists with the keys from SecretStorage: without them the group says why it cannot list', async () => {
    await vscode.commands.executeCommand('pgBackup.setOffsiteKeys', { destination: 'bucket', clear: true });
    try {
      api.backupsTree.refresh();
      const [message] = (await api.backupsTree.getChildren(await group('bucket'))) as BackupsTreeNode[];
      assert.equal(message.kind, 'offsiteMessage');
      assert.match(String((await listedItem('bucket')).description), /cannot list/);
    } finally {
      await vscode.commands.executeCommand('pgBackup.setOffsiteKeys', {
        destination: 'bucket',
        accessKeyId: S3_ACCESS_KEY,
        secretAccessKey: SECRET,
      });
    }
  });

  it('marks the local backup "✓ off-site: bucket" once Verify Off-site Copy read it back', async () => {
    api.backupsTree.refresh();
    const before = api.backupsTree.getTreeItem(await localNode(dump.path));
    assert.doesNotMatch(String(before.description), /off-site/);
    const r = (await vscode.commands.executeCommand<CopyCheck>('pgBackup.verifyOffsiteCopy', {
      location: 's3://backups/pg/sample.dump',
      destination: 'bucket',
      path: dump.path,
    }))!;
    assert.equal(r.ok, true);
    api.backupsTree.refresh();
    const after = api.backupsTree.getTreeItem(await localNode(dump.path));
    assert.match(String(after.description), /✓ off-site: bucket/);
  });

  it('copies to a folder destination and lists it in its own group', async () => {
    await vscode.commands.executeCommand('pgBackup.addOffsiteDestination', { name: 'nas', url: remoteFolder });
    copy = (await vscode.commands.executeCommand<CopyResult>('pgBackup.copyOffsite', {
      path: dump.path,
      destination: 'nas',
    }))!;
    assert.equal(copy.location, join(remoteFolder, 'sample.dump'));
    assert.equal(copy.storeChecked, true);
    assert.ok(existsSync(copy.location));
    api.backupsTree.refresh();
    const children = (await api.backupsTree.getChildren(await group('nas'))) as RemoteBackupNode[];
    assert.deepEqual(
      children.map((c) => c.remote.name),
      ['sample.dump'],
    );
    assert.match(String((await listedItem('nas')).description), /^off-site · 1 backup$/);
  });

  it('copies a base backup to the folder destination and marks it "✓ off-site: nas" once read back', async function () {
    this.timeout(120_000);
    const out = join(folder, 'base-1');
    const base = (await vscode.commands.executeCommand<BaseBackupResult>('pgBackup.createBaseBackup', {
      connection: 'test',
      options: { format: 'tar', checkpoint: 'fast', label: 'off-site test' },
      out,
    }))!;
    const copied = (await vscode.commands.executeCommand<CopyResult>('pgBackup.copyOffsite', {
      path: base.dir,
      destination: 'nas',
    }))!;
    assert.equal(copied.kind, 'basebackup');
    assert.ok(copied.files >= 2, `${copied.files} files`);
    const r = (await vscode.commands.executeCommand<CopyCheck>('pgBackup.verifyOffsiteCopy', {
      location: copied.location,
      destination: 'nas',
      path: base.dir,
    }))!;
    assert.equal(r.ok, true);
    api.backupsTree.refresh();
    const item = api.backupsTree.getTreeItem(await localNode(base.dir));
    assert.match(String(item.description), /^base backup \(tar\) · .*✓ off-site: nas/);
    const remote = ((await api.backupsTree.getChildren(await group('nas'))) as RemoteBackupNode[]).find(
      (n) => n.remote.name === 'base-1',
    );
    assert.ok(remote, 'the base backup is not listed at the destination');
    assert.equal(api.backupsTree.getTreeItem(remote).contextValue, 'remote.basebackup');
  });

  it('prunes a destination: the dry run plans, the rule keeps the newest copy, the older one goes', async () => {
    const tar = (await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', {
      connection: 'test',
      database: 'sample',
      options: { format: 'tar' },
      out: join(folder, 'sample-later.tar'),
    }))!;
    await vscode.commands.executeCommand('pgBackup.copyOffsite', { path: tar.path, destination: 'nas' });
    const plan = (await vscode.commands.executeCommand<PruneOffsiteResult>('pgBackup.pruneOffsite', {
      destination: 'nas',
      keep: 1,
      dryRun: true,
    }))!;
    const action = (name: string) => plan.plan.items.find((i) => i.backup.name === name)?.action;
    assert.equal(action('sample.dump'), 'delete');
    assert.equal(action('sample-later.tar'), 'keep');
    assert.deepEqual(plan.deleted, []);
    assert.ok(existsSync(join(remoteFolder, 'sample.dump')), 'the dry run deleted');
    const done = (await vscode.commands.executeCommand<PruneOffsiteResult>('pgBackup.pruneOffsite', {
      destination: 'nas',
      keep: 1,
    }))!;
    assert.deepEqual(
      done.deleted.map((b) => b.name),
      ['sample.dump'],
    );
    assert.ok(!existsSync(join(remoteFolder, 'sample.dump')) && existsSync(join(remoteFolder, 'sample-later.tar')));
    api.backupsTree.refresh();
    const names = ((await api.backupsTree.getChildren(await group('nas'))) as RemoteBackupNode[]).map(
      (n) => n.remote.name,
    );
    assert.ok(!names.includes('sample.dump') && names.includes('sample-later.tar'), names.join(', '));
  });

  it('runs a restore drill of a remote backup, fetched to a temporary folder removed afterwards', async () => {
    const r = (await vscode.commands.executeCommand<RestoreDrillResult>('pgBackup.runRestoreDrill', {
      path: 's3://backups/pg/sample.dump',
      offsiteDestination: 'bucket',
      connection: 'test',
      logDir: folder,
    }))!;
    assert.equal(r.passed, true, r.problems.join('\n'));
    assert.equal(r.checksum, 'verified');
    assert.ok(r.totalRows > 0);
    assert.equal(r.backup.name, 'sample.dump');
    assert.ok(!existsSync(dirname(r.backup.path)), `${r.backup.path} was left behind`);
  });

  it('restores a remote backup into a new database, from the download', async () => {
    const database = `offsite_restored_${Date.now().toString(36)}`;
    const server = { host: '127.0.0.1', port: Number(process.env.PGBACKUP_TEST_PORT), user: 'postgres' };
    try {
      const outcome = (await vscode.commands.executeCommand<RestoreOutcome>('pgBackup.restoreBackup', {
        path: 's3://backups/pg/sample.dump',
        offsiteDestination: 'bucket',
        connection: 'test',
        database,
      }))!;
      assert.deepEqual(outcome.summary.errors, []);
      const restored = outcome.rowCounts.reduce((n, r) => n + (r.rows ?? 0), 0);
      assert.ok(restored > 0, 'no rows restored');
      const [{ n }] = await withClient(
        { ...server, database },
        {},
        async (c) =>
          (
            await c.query<{ n: string }>(
              `select count(*) as n from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'`,
            )
          ).rows,
      );
      assert.ok(Number(n) > 0);
    } finally {
      await withClient({ ...server, database: 'postgres' }, {}, (c) =>
        c.query(`drop database if exists "${database}" with (force)`),
      );
    }
  });

  it('inspects a remote backup from its tree row: fetched, reported, the download removed', async () => {
    const [remote] = (await api.backupsTree.getChildren(await group('bucket'))) as RemoteBackupNode[];
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('pg-backup-fetch-')));
    const uri = await vscode.commands.executeCommand<vscode.Uri>('pgBackup.inspectBackup', remote);
    assert.ok(uri, 'Inspect returned no report');
    const report = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(report, /sample/);
    assert.match(report, /\d+ TABLE DATA/);
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('pg-backup-fetch-') && !before.has(f));
    assert.deepEqual(left, [], 'the fetched copy was left behind');
  });

  it('finds a corrupted copy: the read-back names both sums and the local row shows ✗ off-site', async () => {
    const object = join(s3.directory, 'backups', 'pg', 'sample.dump._S3rver_object');
    const bytes = readFileSync(object);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(object, bytes);
    const r = (await vscode.commands.executeCommand<CopyCheck>('pgBackup.verifyOffsiteCopy', {
      location: 's3://backups/pg/sample.dump',
      destination: 'bucket',
      path: dump.path,
    }))!;
    assert.equal(r.ok, false);
    assert.equal(r.expected, dump.sidecar.sha256);
    assert.match(String(r.actual), /^[0-9a-f]{64}$/);
    assert.notEqual(r.actual, r.expected);
    assert.ok(log.lines.some((l) => l.includes(String(r.expected)) && l.includes(String(r.actual))));
    api.backupsTree.refresh();
    assert.match(String(api.backupsTree.getTreeItem(await localNode(dump.path)).description), /✗ off-site: bucket/);
  });

  it('never puts the secret key in settings, the workspace files or the output channel', async () => {
    const inspected = JSON.stringify(settings().inspect('offsite.destinations'));
    assert.ok(!inspected.includes(SECRET));
    const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const files = [join(ws, '.vscode', 'settings.json'), ...readdirSync(folder).map((f) => join(folder, f))];
    for (const f of files.filter((f) => existsSync(f) && statSync(f).isFile() && !f.endsWith('.dump')))
      assert.ok(!readFileSync(f, 'utf8').includes(SECRET), `${f} holds the secret`);
    assert.ok(log.lines.length > 0);
    assert.ok(!log.lines.some((l) => l.includes(SECRET)), 'the output channel shows the secret');
  });
});
