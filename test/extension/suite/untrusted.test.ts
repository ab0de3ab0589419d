/**
 * Workspace trust inside a real VS Code host whose folder is NOT trusted (the runner's second session). Every
 * command package.json contributes runs as the palette runs it (no argument); those that start a process or
 * connect also run as a program would (an arguments object). None may start a child process from the extension's
 * code or connect to the test cluster, whose connection the folder's settings hold. Those that would are refused
 * by the trust gate with its warning, before they ask anything.
 */
import * as assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { withClient } from '../../../src/core/connection/client';
import type { PgBackupApi } from '../../../src/extension/main';
import { runClosingPrompts, spyOn } from '../host-spies';
import { sleep } from '../../support/time';

const EXTENSION_ID = 'pg-backup.pg-backup';

/** What starts a process or connects to a server: refused in an untrusted folder. */
const REFUSED = [
  'pgBackup.testConnection',
  'pgBackup.showClientTools',
  'pgBackup.dumpDatabase',
  'pgBackup.exportSchema',
  'pgBackup.compareSchema',
  'pgBackup.runRestoreDrill',
  'pgBackup.restoreBackup',
  'pgBackup.restoreSelected',
  'pgBackup.scheduleBackups',
  'pgBackup.createBaseBackup',
  'pgBackup.setupWalArchiving',
  'pgBackup.openPitrBuilder',
  'pgBackup.copyOffsite',
  'pgBackup.verifyOffsiteCopy',
  'pgBackup.pruneOffsite',
  'pgBackup.showStatus',
  'pgBackup.addBackupRepository',
  'pgBackup.repositoryBackup',
  'pgBackup.repositoryVerify',
  'pgBackup.repositoryExpire',
  'pgBackup.setRepositoryKeys',
];
/** Settings, secret storage and files on disk only: they run (and find nothing to act on here). */
const ALLOWED = [
  'pgBackup.addConnection',
  'pgBackup.editConnection',
  'pgBackup.removeConnection',
  'pgBackup.setPassword',
  'pgBackup.refreshConnections',
  'pgBackup.refreshBackups',
  'pgBackup.inspectBackup',
  'pgBackup.verifyChecksum',
  'pgBackup.revealBackup',
  'pgBackup.copyBackupPath',
  'pgBackup.deleteBackup',
  'pgBackup.setTargets',
  'pgBackup.addOffsiteDestination',
  'pgBackup.setOffsiteKeys',
];
const GATE_WARNING = /, which PostgreSQL Backup does not do in an untrusted workspace\.$/;

const server = {
  host: process.env.PGBACKUP_TEST_HOST ?? '127.0.0.1',
  port: Number(process.env.PGBACKUP_TEST_PORT ?? 5432),
  user: 'postgres',
};
const serverLog = process.env.PGBACKUP_TEST_SERVER_LOG ?? '';
/** The server's log_connections lines written since `offset`. */
const connectionsSince = (offset: number) =>
  readFileSync(serverLog)
    .subarray(offset)
    .toString()
    .split('\n')
    .filter((l) => l.includes('connection received'));

/** Child processes of this extension host that are PostgreSQL programs (pg_*, psql, initdb, postgres). */
function postgresChildren(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (/^(pg_\w+|psql|initdb|postgres)$/.test(basename(argv[0]))) found.push(argv.join(' ').trim());
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

describe('an untrusted workspace', () => {
  const extension = vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!;
  const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
  const ours = join(extension.extensionPath, 'dist');
  let api: PgBackupApi;
  let logOffset: number;
  let children: ReturnType<typeof spyOn>;
  let syncs: ReturnType<typeof spyOn>;
  let ui: ReturnType<typeof spyOn>;

  before(async () => {
    api = await extension.activate();
    logOffset = statSync(serverLog).size;
    // Every asynchronous child (spawn, execFile, exec, fork: also through a reference taken when a bundle loaded,
    // as promisify(execFile) does) starts in ChildProcess.prototype.spawn; the synchronous ones have their own.
    // Only calls from the extension's bundles (dist/, vendored execa included) count, not the host's others (git).
    const fromOurs = (name: string, args: unknown[]) => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      const file = (args[0] as { file?: string } | undefined)?.file ?? args[0];
      return stack.includes(ours) ? `${name} ${String(file)}` : undefined;
    };
    children = spyOn(childProcess.ChildProcess.prototype, ['spawn'], fromOurs);
    syncs = spyOn(childProcess, ['spawnSync', 'execFileSync', 'execSync'], fromOurs);
    syncBuiltinESMExports();
    const prompts = [
      'showQuickPick',
      'showInputBox',
      'createQuickPick',
      'createInputBox',
      'showOpenDialog',
      'showSaveDialog',
    ];
    ui = spyOn(vscode.window, ['showWarningMessage', ...prompts], (name, args) => `${name}: ${String(args[0])}`);
  });

  after(() => {
    children?.restore();
    syncs?.restore();
    syncBuiltinESMExports();
    ui?.restore();
  });

  it('is really untrusted, and the folder\'s saved connection "test" is ignored', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the runner opened the folder trusted: this suite proves nothing');
    const roots = (await api.connectionsTree.getChildren()) ?? [];
    assert.deepEqual(
      roots.map((r) => (r.kind === 'connection' ? r.profile.name : r.kind)),
      [],
    );
  });

  it('sorts every contributed command into refused or allowed', () => {
    assert.deepEqual([...contributed].sort(), [...REFUSED, ...ALLOWED].sort());
  });

  for (const id of REFUSED) {
    it(`refuses ${id} with the gate's warning before asking anything`, async () => {
      const before = ui.calls.length;
      const run = await runClosingPrompts(id, []);
      assert.ok(run.settled, `${id} did not finish`);
      assert.equal(run.error, undefined, 'from the palette the refusal is a warning, not a thrown error');
      const seen = ui.calls.slice(before);
      assert.equal(seen.length, 1, `expected only the gate's warning, got:\n${seen.join('\n')}`);
      assert.match(seen[0], /^showWarningMessage: /);
      assert.match(seen[0], GATE_WARNING);
      // A program's call (an arguments object) gets the refusal thrown, not shown.
      const program = Promise.resolve(vscode.commands.executeCommand(id, {}));
      await assert.rejects(program, (e: Error) => GATE_WARNING.test(e.message));
      assert.equal(ui.calls.length, before + 1, "a program's call showed something");
    });
  }

  for (const id of ALLOWED) {
    it(`runs ${id} without the gate`, async () => {
      const before = ui.calls.length;
      const run = await runClosingPrompts(id, []);
      assert.ok(run.settled, `${id} did not finish`);
      assert.equal(run.error, undefined);
      assert.deepEqual(
        ui.calls.slice(before).filter((c) => GATE_WARNING.test(c)),
        [],
      );
    });
  }

  it("started no child process from the extension's code, and none is running", async () => {
    await sleep(1000); // anything a command left behind has had time to start
    assert.deepEqual([...children.calls, ...syncs.calls], []);
    assert.deepEqual(postgresChildren(), []);
  });

  it('made no connection to the test server (its log_connections lines)', () => {
    assert.deepEqual(connectionsSince(logOffset), []);
  });

  it('would have seen both: a process execa starts from dist/ and a connection are recorded', async () => {
    const { execa } = createRequire(__filename)(join(ours, 'vendor', 'execa.js')) as typeof import('execa');
    await execa('true');
    assert.ok(
      children.calls.some((c) => c.startsWith('spawn ')),
      `recorded: ${children.calls.join('; ')}`,
    );
    const offset = statSync(serverLog).size;
    await withClient({ ...server, database: 'postgres' }, {}, (c) => c.query('select 1'));
    await sleep(200);
    assert.equal(connectionsSince(offset).length, 1);
  });
});
