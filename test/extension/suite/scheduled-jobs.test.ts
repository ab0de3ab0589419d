/**
 * Scheduled jobs that prove themselves, in a real VS Code host: Schedule Backups… asks for a restore drill and
 * where, and writes a job that runs this extension's own CLI with this host's node (code-server: a real node); the
 * job, run as cron would, dumps and drills for real. The Backups view then shows the job's last run in the
 * backup's group — quietly when it passed, with the reason, exit code and output when a real run failed — and a
 * job whose CLI moved stops with the line that says to schedule it again.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GeneratedSchedule } from '../../../src/core/schedule';
import type { PgBackupApi } from '../../../src/extension/main';
import type { BackupsTreeNode } from '../../../src/extension/tree/backups-tree';
import type { ConnectionsTreeNode } from '../../../src/extension/tree/connections-tree';
import { sleep } from '../../support/time';

const EXTENSION_ID = 'pg-backup.pg-backup';

/** Runs a job script as cron would (no terminal, the host's environment). */
const runJob = (script: string) => spawnSync(script, [], { encoding: 'utf8', timeout: 240_000 });

const drills = (dir: string) =>
  readFileSync(join(dir, '.pgbackup', 'drills.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { passed: boolean; backup: { path: string }; where: { kind: string } });

describe('scheduled jobs: Schedule Backups… with a restore drill, and their runs in the Backups view', function () {
  this.timeout(300_000);
  let api: PgBackupApi;
  let root: string;
  let generated: GeneratedSchedule;
  const settings = () => vscode.workspace.getConfiguration('pgBackup');
  const extensionPath = () => vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!.activate();
    root = mkdtempSync(join(tmpdir(), 'pgb-jobs-ext-'));
    await settings().update('backupFolders', [root], vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await settings().update('backupFolders', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(root, { recursive: true, force: true });
  });

  /** The Backups view's group of the sample database, and its rows. */
  async function sampleGroup() {
    api.backupsTree.refresh();
    const groups = (await api.backupsTree.getChildren()) as BackupsTreeNode[];
    const group = groups.find((g) => g.kind === 'group' && g.label.startsWith('sample @ '));
    assert.ok(group, `a group for sample: ${groups.map((g) => (g.kind === 'group' ? g.label : g.kind)).join(', ')}`);
    const rows = (await api.backupsTree.getChildren(group)) as BackupsTreeNode[];
    return { group: api.backupsTree.getTreeItem(group), rows, items: rows.map((r) => api.backupsTree.getTreeItem(r)) };
  }

  it('Schedule Backups… asks for a restore drill and where, and the job runs this CLI with a real node', async () => {
    const roots = (await api.connectionsTree.getChildren()) as ConnectionsTreeNode[];
    const test = roots.find((n) => n.kind === 'connection' && n.profile.name === 'test')!;
    const sample = (await api.connectionsTree.getChildren(test)).find(
      (n) => n.kind === 'database' && n.database.name === 'sample',
    );
    assert.ok(sample, 'the sample database has a row');
    // The answers a user would give, by label; the questions asked are recorded.
    const answers: [RegExp, RegExp][] = [
      [/how often$/, /^Daily$/],
      [/run by$/, /^cron$/],
      [/prove the backups restore$/, /^Drill every backup$/],
      [/restore drill$/, /^A scratch database on test$/],
      [/./, /^\$\(folder\) Use /],
    ];
    const asked: string[] = [];
    const w = vscode.window as unknown as Record<string, unknown>;
    const real = { showQuickPick: w.showQuickPick, showInputBox: w.showInputBox, info: w.showInformationMessage };
    w.showQuickPick = async (items: readonly vscode.QuickPickItem[], o?: vscode.QuickPickOptions) => {
      asked.push(o?.title ?? o?.placeHolder ?? '');
      const at = answers.findIndex(([q]) => q.test(o?.title ?? o?.placeHolder ?? ''));
      assert.ok(at >= 0, `an unexpected question: ${o?.title}`);
      const [, label] = answers.splice(at, 1)[0];
      return (await items).find((i) => label.test(i.label));
    };
    w.showInputBox = async (o?: vscode.InputBoxOptions) => {
      asked.push(o?.title ?? '');
      return o?.value;
    };
    w.showInformationMessage = async () => undefined;
    try {
      const g = await vscode.commands.executeCommand<GeneratedSchedule>('pgBackup.scheduleBackups', sample);
      assert.ok(g, 'the job was written');
      generated = g;
    } finally {
      Object.assign(w, { showQuickPick: real.showQuickPick, showInputBox: real.showInputBox });
      w.showInformationMessage = real.info;
    }
    assert.deepEqual(answers, [], `every question was asked: ${asked.join(' | ')}`);
    const script = readFileSync(generated.scriptPath, 'utf8');
    assert.equal(generated.scriptPath, join(root, 'sample', 'pg-backup-sample.sh'));
    assert.match(script, /^VERIFY='every'$/m);
    assert.ok(script.includes(`\nNODE='${process.execPath}'\n`), 'the host runtime, by absolute path');
    assert.ok(script.includes(`\nPGBACKUP_CLI='${join(extensionPath(), 'dist', 'cli.js')}'\n`), "the extension's CLI");
    assert.ok(!process.versions.electron, 'code-server runs extensions on plain node');
    assert.doesNotMatch(script, /ELECTRON_RUN_AS_NODE/);
    assert.match(script, new RegExp(`^VERIFY_CONN='host=127\\.0\\.0\\.1 port=${process.env.PGBACKUP_TEST_PORT} `, 'm'));
    assert.ok(
      script.includes(`DRILL_LOG_DIR=\${PGBACKUP_DRILL_LOG_DIR:-'${root}'}`),
      'drills logged in the backup folder',
    );
    assert.match(script, /^REGENERATE='in VS Code, run "Schedule Backups…" for sample on test again /m);
  });

  it("the job dumps and drills for real; the Backups view shows its run quietly in the backup's group", async () => {
    const r = runJob(generated.scriptPath);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Restore drill PASSED: sample-\d{8}-\d{6}\.dump/);
    assert.match(r.stdout, /pg-backup-sample: restore drill passed/);
    const [d] = drills(root);
    assert.deepEqual([d.passed, d.where.kind], [true, 'scratch-database']);
    const { group, rows, items } = await sampleGroup();
    assert.equal(group.description, '1 backup');
    assert.equal(rows[0].kind, 'job');
    assert.equal(items[0].label, 'scheduled job ok just now');
    assert.equal(items[0].description, 'pg-backup-sample');
    assert.match(String(items[1].description), /✓ drill just now/);
  });

  it('a failed run shows on its group with the reason, exit code and output, and opens its status file', async () => {
    // The same job pointed at a port nothing listens on: a real pg_dump that cannot connect.
    const broken = join(root, 'broken-run.sh');
    const script = readFileSync(generated.scriptPath, 'utf8');
    writeFileSync(broken, script.replace(/^CONNINFO='host=\S+ port=\d+/m, "CONNINFO='host=127.0.0.1 port=1"), {
      mode: 0o755,
    });
    await sleep(1100); // a new second: a new backup name
    const r = runJob(broken);
    assert.notEqual(r.status, 0, r.stdout + r.stderr);
    const { group, rows, items } = await sampleGroup();
    assert.equal(group.description, '1 backup · job failed just now');
    assert.equal(rows[0].kind, 'job');
    const job = items[0];
    assert.equal(job.label, 'scheduled job failed just now');
    assert.match(String(job.description), /^pg_dump failed \(exit 1\): .*(refused|127\.0\.0\.1)/);
    const tooltip = (job.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /\| Exit code \| 1 \|/);
    assert.match(tooltip, /\| Last run \| FAILED \|/);
    assert.match(tooltip, /Last lines of output:\n\n```text\n[^`]*pg-backup-sample: dumping to /);
    const statusFile = join(root, 'sample', 'pg-backup-sample.status.json');
    assert.ok(tooltip.includes('[Open Job Status](command:vscode.open?'), tooltip);
    await vscode.commands.executeCommand(job.command!.command, ...(job.command!.arguments ?? []));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, statusFile);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a job whose CLI moved stops at its start with the line that says to schedule it again', async () => {
    const moved = join(root, 'moved-cli.sh');
    const script = readFileSync(generated.scriptPath, 'utf8');
    writeFileSync(moved, script.replace(/^PGBACKUP_CLI=.*$/m, `PGBACKUP_CLI='${join(root, 'gone', 'cli.js')}'`), {
      mode: 0o755,
    });
    const r = runJob(moved);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(
      r.stderr.split('\n')[0],
      /the pg-backup CLI is not at .*gone\/cli\.js any more .*Regenerate the job: in VS Code, run "Schedule Backups…" for sample on test again/,
    );
    const { items } = await sampleGroup();
    assert.match(String(items[0].description), /^the pg-backup CLI is not at /);
  });

  it('the headless command with a daily drill on a throwaway cluster: the job drills there', async () => {
    const dir = join(root, 'nightly');
    const g = await vscode.commands.executeCommand<GeneratedSchedule>('pgBackup.scheduleBackups', {
      connection: 'test',
      database: 'sample',
      every: 'daily',
      at: '03:15',
      kind: 'systemd',
      keep: 3,
      dir,
      verify: { when: 'daily' },
    });
    const script = readFileSync(g!.scriptPath, 'utf8');
    assert.match(script, /^VERIFY='daily'$/m);
    assert.match(script, /^VERIFY_CONN=''$/m);
    const r = runJob(g!.scriptPath);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const last = drills(root).at(-1)!;
    assert.deepEqual([last.passed, last.where.kind], [true, 'throwaway-cluster']);
    assert.ok(last.backup.path.startsWith(join(dir, 'sample-')), last.backup.path);
    const status = JSON.parse(readFileSync(join(dir, 'pg-backup-sample.status.json'), 'utf8'));
    assert.deepEqual([status.exitCode, status.drill.result], [0, 'passed']);
  });
});
