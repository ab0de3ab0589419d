// Dumping from the Connections view as a user does: context menu on a database, a preset, the default
// location, a progress notification with a real percentage, and the new backup in the Backups view; then a
// restore drill of it from the Backups view, its report, and the drill shown on the backup's row.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/code-server.mjs';
import { openWorkbench, session } from './support.mjs';

describe('Dump Database from the context menu (packaged extension in code-server)', () => {
  let wb;

  before(async () => {
    const { cluster, workspace } = session();
    // Enough data (about 100 MB in four tables) that the dump takes a few seconds and its progress can be seen.
    await cluster.psql('CREATE DATABASE big');
    for (const t of ['events', 'orders', 'visits', 'logs']) {
      await cluster.psql(
        `CREATE TABLE ${t} AS SELECT g AS id, md5(g::text) AS a, md5((g * 7)::text) AS b, now() AS at FROM generate_series(1, 400000) g`,
        'big',
      );
    }
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    settings['pgBackup.backupFolders'] = [mkdtempSync(join(tmpdir(), 'pgb-e2e-backups-'))];
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    wb = await openWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await wb?.screenshot(session().scratch.file(`dump-failure-${Date.now()}.png`));
  });

  after(async () => {
    await wb?.close();
  });

  it('dumps "big" with the "Full (custom)" preset, showing progress in percent', async () => {
    const connections = await wb.expandConnection('test');
    await wb.treeRow('big', connections).waitFor();
    await wb.contextMenu(wb.treeRow('big', connections), 'Dump Database…');
    await wb.pickQuickItem('Full (custom)');
    await wb.pickQuickItem('Write to');
    const progress = await wb.notification(/Dumping big: [1-9]\d% · /, 120_000); // 10–99 %: mid-way, not a spinner
    assert.match(progress, /\d+%/);
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'dump-progress.png'));
    const done = await wb.notification(/Backup of big written/, 300_000);
    assert.match(done, /custom/);
  });

  it('lists the new backup in the Backups view under its database', async () => {
    const backups = await wb.view('Backups');
    // Grouped by server and database ("big @ 127.0.0.1:PORT"): two servers' databases of one name stay apart.
    const group = backups.locator('.monaco-list-row', {
      has: wb.page.locator('.label-name', { hasText: /^big @ 127\.0\.0\.1:\d+$/ }),
    });
    await group.first().waitFor({ timeout: 30_000 });
    const labels = await wb.rowLabels(backups);
    assert.ok(
      labels.some((l) => /^big-\d{8}-\d{6}\.dump$/.test(l)),
      `rows: ${labels.join(', ')}`,
    );
    // The row says format, size, age, the server's major and the checksum state; wide enough to read in the picture.
    const row = backups.locator('.monaco-list-row', { hasText: /big-\d{8}-\d{6}\.dump/ }).first();
    assert.match(
      await row.innerText(),
      /custom\s·\s\d+(\.\d+)?\s[KMG]?B\s·\s(just now|\d+ min ago)\s·\ssha256 recorded\s·\sPG 15/,
    );
    const before = (await wb.page.locator('.part.sidebar').boundingBox()).width;
    assert.ok((await wb.widenSideBar(320)) > before + 100, 'the side bar got wider');
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'backups.png'));
  });

  it('runs a restore drill on the new backup from its context menu, shows the report, and marks the row', async () => {
    const backups = await wb.view('Backups');
    const row = backups.locator('.monaco-list-row', { hasText: /big-\d{8}-\d{6}\.dump/ }).first();
    await wb.contextMenu(row, 'Run Restore Drill');
    await wb.pickQuickItem('A scratch database on test');
    const done = await wb.notification(/Restore drill passed in/, 300_000);
    assert.match(done, /4 tables, 1,600,000 rows/);
    await wb.clickToastButton(/Restore drill passed/, 'Show Report');
    // The report opens rendered, as a Markdown preview (a webview); it is read-only, so it closes without a "save?".
    const preview = wb.page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
    await preview
      .locator('h1', { hasText: /Restore drill: big-.*PASSED/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await backups
      .locator('.monaco-list-row', { hasText: /✓ drill just now/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'restore-drill.png'));
  });
});
