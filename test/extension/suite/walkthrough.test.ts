/**
 * The Getting Started walkthrough in a real VS Code host: contributed with its five steps, each a button that runs
 * a registered command and a markdown page in the package, each done on a context key the extension sets; a dump
 * through the command marks "Take the first backup" done, and a failed attempt does not.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DumpResult } from '../../../src/core/dump';
import type { PgBackupApi } from '../../../src/extension/main';

const EXTENSION_ID = 'pg-backup.pg-backup';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

describe('Getting Started walkthrough', () => {
  let api: PgBackupApi;
  let extension: vscode.Extension<PgBackupApi>;
  const dir = mkdtempSync(join(tmpdir(), 'pgb-walkthrough-'));

  before(async () => {
    extension = vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!;
    api = await extension.activate();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is contributed with five steps, each a command button, a markdown page and a context key', async () => {
    const contributes = (extension.packageJSON as { contributes: { walkthroughs?: { steps: Step[] }[] } }).contributes;
    const steps = contributes.walkthroughs?.[0]?.steps ?? [];
    assert.deepEqual(
      steps.map((s) => s.title),
      ['Connect a server', 'Take the first backup', 'Prove it with a drill', 'Set RPO/RTO targets', 'Schedule it'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    const commands = steps.map((s) => /\]\(command:([\w.]+)\)/.exec(s.description)?.[1]);
    assert.deepEqual(commands, [
      'pgBackup.addConnection',
      'pgBackup.dumpDatabase',
      'pgBackup.runRestoreDrill',
      'pgBackup.setTargets',
      'pgBackup.scheduleBackups',
    ]);
    for (const c of commands) assert.ok(registered.has(c!), `${c} is registered`);
    for (const s of steps) {
      assert.ok(s.media.markdown && existsSync(join(extension.extensionPath, s.media.markdown)), s.media.markdown);
      assert.match(s.completionEvents.join(), /^onContext:pgBackup\.walkthrough\.\w+$/);
    }
  });

  it('marks "Take the first backup" done after a dump, not after a dump that failed', async () => {
    await api.resetWalkthrough();
    assert.equal(api.walkthroughDone('backupWritten'), false);
    const args = { connection: 'test', database: 'sample', options: { format: 'custom' } };
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('pgBackup.dumpDatabase', { ...args, database: 'no_such_db' })),
    );
    assert.equal(api.walkthroughDone('backupWritten'), false, 'a failed dump is not a first backup');
    const out = join(dir, 'sample.dump');
    const dump = await vscode.commands.executeCommand<DumpResult>('pgBackup.dumpDatabase', { ...args, out });
    assert.ok(dump && existsSync(dump.path), 'the dump was written');
    assert.equal(api.walkthroughDone('backupWritten'), true);
    assert.equal(api.walkthroughDone('drillPassed'), false, 'only the step done is marked');
  });
});
