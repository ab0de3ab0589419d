/**
 * The one place a command's failure becomes a message (the registration in main.ts), inside a real VS Code host:
 * a call from a tree item sees the error once, with the fix its kind has and "Show Log"; a program's call gets
 * the error thrown and sees nothing.
 */
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import type { ConnectionNode } from '../../../src/extension/tree/connections-tree';
import { runClosingPrompts, spyOn } from '../host-spies';

const EXTENSION_ID = 'pg-backup.pg-backup';

/** A local port nothing listens on (taken, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('command failures', () => {
  let messages: ReturnType<typeof spyOn>;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const note = (name: string, args: unknown[]) => `${name}: ${args.filter((a) => typeof a === 'string').join(' | ')}`;
    messages = spyOn(vscode.window, ['showErrorMessage', 'showWarningMessage', 'showInformationMessage'], note);
  });

  after(() => messages?.restore());

  it('shows a tree item\'s failure once, with the fix for its kind ("Edit Connection" when unreachable)', async () => {
    const port = await closedPort();
    const profile = { name: 'nowhere', host: '127.0.0.1', port, user: 'postgres' };
    const node: ConnectionNode = { kind: 'connection', profile, scope: 'global' };
    const before = messages.calls.length;
    const run = await runClosingPrompts('pgBackup.testConnection', [node]);
    assert.ok(run.settled, 'Test Connection did not finish');
    assert.equal(run.error, undefined, "a tree item's failure is shown, not thrown");
    assert.deepEqual(messages.calls.slice(before), [
      `showErrorMessage: Cannot reach PostgreSQL at 127.0.0.1:${port}: connection refused. ` +
        'Is the server running, and listening on that port? | Edit Connection | Show Log',
    ]);
  });

  it("throws a program's failure to it and shows nothing", async () => {
    const before = messages.calls.length;
    const args = { connection: 'nope', options: { format: 'plain', checkpoint: 'fast' } };
    const run = Promise.resolve(vscode.commands.executeCommand('pgBackup.createBaseBackup', args));
    await assert.rejects(run, /^PgBackupError: No saved connection named "nope"\.$/);
    assert.deepEqual(messages.calls.slice(before), []);
  });
});
