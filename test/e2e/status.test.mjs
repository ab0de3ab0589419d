// RPO and RTO as a user sees them: targets on the saved connection "test" (24h, 6h for "sample"), a fresh dump of
// "sample" with a passed drill, a two-day-old dump of "postgres" (both made with the CLI). The Connections view
// colours and describes each database row, the status bar counts the miss, and the RPO warning shows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/code-server.mjs';
import { openWorkbench, session } from './support.mjs';

const cli = (args) =>
  execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', stdio: 'pipe' });

describe('RPO and RTO in the Connections view and the status bar (packaged extension in code-server)', () => {
  let wb;

  before(async () => {
    const { cluster, workspace } = session();
    const folder = mkdtempSync(join(tmpdir(), 'pgb-e2e-status-'));
    const uri = (db) => `postgresql://postgres@127.0.0.1:${cluster.port}/${db}`;
    cli(['dump', uri('sample'), '--format', 'custom', '--out', join(folder, 'sample.dump')]);
    cli(['verify', join(folder, 'sample.dump'), '--conn', uri('postgres'), '--log', folder]);
    const old = join(folder, 'postgres.dump');
    cli(['dump', uri('postgres'), '--format', 'custom', '--out', old]);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    const sidecar = `${old}.pgbackup.json`;
    writeFileSync(sidecar, JSON.stringify({ ...JSON.parse(readFileSync(sidecar, 'utf8')), started: twoDaysAgo }));
    for (const f of [old, sidecar]) utimesSync(f, twoDaysAgo, twoDaysAgo);
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    settings['pgBackup.backupFolders'] = [folder];
    settings['pgBackup.connections'] = settings['pgBackup.connections'].map((c) =>
      c.name === 'test' ? { ...c, rpo: '24h', rto: '1h', databases: { sample: { rpo: '6h' } } } : c,
    );
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    wb = await openWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await wb?.screenshot(session().scratch.file(`status-failure-${Date.now()}.png`));
  });

  after(async () => {
    await wb?.close();
  });

  it('describes each database row with its backup and drill, and counts the miss in the status bar', async () => {
    const connections = await wb.expandConnection('test');
    const sample = connections.locator('.monaco-list-row', { hasText: /sample.*backup just now · drill just now/ });
    await sample.first().waitFor({ timeout: 30_000 });
    await connections
      .locator('.monaco-list-row', { hasText: /postgres.*backup 2 d ago · no drill/ })
      .first()
      .waitFor();
    const bar = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /outside RPO/ }).first();
    await bar.waitFor({ timeout: 30_000 });
    // Other suites may have added databases without backups: those are outside both targets too.
    assert.match(await bar.innerText(), /1 ok · \d+ outside RPO · \d+ outside RTO/);
    const warning = await wb.notification(/"postgres" on test is outside its RPO of 1d/);
    assert.match(warning, /the newest good backup is 2d( \d+h)? old/);
    await wb.widenSideBar(320);
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'rpo-rto-status.png'));
  });

  it('lists the databases with their verdicts from the status bar item', async () => {
    await wb.page
      .locator('.part.statusbar .statusbar-item', { hasText: /outside RPO/ })
      .first()
      .click();
    const items = await wb.quickPickItems('RPO and RTO');
    const shown = (name) => items.some((l) => l.includes(name));
    assert.ok(shown('sample') && shown('postgres'), `items: ${items.join(' | ')}`);
    await wb.dismissQuickInput();
  });
});
