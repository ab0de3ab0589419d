/**
 * Base backups and the PITR builder inside a real VS Code host: "Create Base Backup" takes a verified plain
 * backup of the runner's throwaway cluster, and "Open PITR Builder" on that backup's tree node opens the panel,
 * whose script loads under the panel's CSP and asks the host for the backup.
 */
import * as assert from 'node:assert/strict';
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { describeBackup } from '../../../src/core/backups/catalog';
import type { BaseBackupResult } from '../../../src/core/physical/basebackup';
import type { SetupWalArchivingResult } from '../../../src/extension/commands/setup-wal-archiving';
import type { PgBackupApi } from '../../../src/extension/main';

const EXTENSION_ID = 'pg-backup.pg-backup';

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  );
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('base backups and the PITR builder', () => {
  let api: PgBackupApi;
  let scratch: string;
  let out: string;

  before(async () => {
    api = await vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID)!.activate();
    scratch = mkdtempSync(join(tmpdir(), 'pgb-ext-pitr-'));
    out = join(scratch, 'test-base');
  });

  after(() => {
    for (const p of api?.pitrPanels() ?? []) p.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('registers the three commands of the issue', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const id of ['pgBackup.createBaseBackup', 'pgBackup.setupWalArchiving', 'pgBackup.openPitrBuilder'])
      assert.ok(commands.has(id), `${id} is not registered`);
  });

  it('takes a plain base backup of the test server and verifies it with pg_verifybackup', async function () {
    this.timeout(120_000);
    const result = await vscode.commands.executeCommand<BaseBackupResult>('pgBackup.createBaseBackup', {
      connection: 'test',
      options: { format: 'plain', checkpoint: 'fast', label: 'extension test' },
      out,
    });
    assert.equal(result?.dir, out);
    assert.equal(result.verified, true, 'pg_verifybackup did not run on the plain backup');
    assert.equal(result.info.serverMajor, 15);
    assert.equal(result.info.label?.label, 'extension test');
  });

  it("opens the PITR builder from the backup's tree node; the panel's script runs and asks for the backup", async () => {
    const entry = await describeBackup(out, scratch);
    assert.equal(entry?.kind, 'basebackup', 'the new folder is not listed as a base backup');
    await vscode.commands.executeCommand('pgBackup.openPitrBuilder', { kind: 'backup', entry });
    const panel = api.pitrPanels().find((p) => p.backupDir === out);
    assert.ok(
      panel,
      `no PITR panel for ${out}; open: ${
        api
          .pitrPanels()
          .map((p) => p.backupDir)
          .join(', ') || 'none'
      }`,
    );
    assert.equal(panel.panel.title, 'PITR: test-base');
    assert.equal(panel.panel.viewType, 'pgBackup.pitr');
    await within(30_000, 'the panel\'s "ready" message', panel.ready);
  });

  it('reveals the same panel when the builder is opened again for that backup', async () => {
    await vscode.commands.executeCommand('pgBackup.openPitrBuilder', out);
    assert.equal(api.pitrPanels().filter((p) => p.backupDir === out).length, 1);
  });

  it('shows the archiving lines for a local folder, with the restart that wal_level and archive_mode need', async () => {
    const result = await vscode.commands.executeCommand<SetupWalArchivingResult>('pgBackup.setupWalArchiving', {
      connection: 'test',
      source: { kind: 'cp', dir: '/srv/wal archive' },
    });
    assert.equal(result?.current.wal_level, 'replica');
    assert.equal(result.current.archive_mode, 'off');
    assert.equal(result.setup.apply, 'restart');
    const text = result.document.getText();
    assert.match(text, /^archive_mode = on {4}# needs a restart$/m);
    assert.match(
      text,
      /^archive_command = 'test ! -f ''\/srv\/wal archive\/%f'' && cp ''%p'' ''\/srv\/wal archive\/%f''' {4}# needs a reload$/m,
    );
    assert.doesNotMatch(text, /^wal_level = /m, 'wal_level is already replica and must not be listed as a change');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
