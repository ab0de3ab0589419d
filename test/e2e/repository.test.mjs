// A backup repository as a user sees it: a PostgreSQL 15 cluster of its own archiving into a local pgBackRest
// repository (the configuration pg-backup generates), a full and an incremental backup taken with pgBackRest, and
// the connection naming the stanza in its settings. The Backups view shows the repository as a group with both
// backups and the WAL archive range; the PITR builder opened on the incremental backup shows pgBackRest's restore.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { REPO_ROOT } from '../support/code-server.mjs';
import { openWorkbench, session } from './support.mjs';

const { startPgbackrestCluster } = await tsImport('../support/pgbackrest-repo.ts', import.meta.url);

const asPostgres = (file, args) =>
  execFileSync(
    process.getuid?.() === 0 ? 'runuser' : file,
    process.getuid?.() === 0 ? ['-u', 'postgres', '--', file, ...args] : args,
    {
      stdio: 'pipe',
    },
  );

describe('a backup repository in the Backups view and the PITR builder (packaged extension in code-server)', () => {
  let repo;
  let wb;

  before(async function () {
    this.timeout(240_000);
    try {
      execFileSync('pgbackrest', ['version'], { stdio: 'pipe' });
    } catch {
      this.skip(); // the test command installs pgBackRest
    }
    repo = await startPgbackrestCluster({ stanza: 'shop' });
    await repo.cluster.psql(
      'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g FROM generate_series(1, 2000) g;',
    );
    const backup = (type) =>
      asPostgres('pgbackrest', [`--config=${repo.setup.configFile}`, '--stanza=shop', `--type=${type}`, 'backup']);
    backup('full');
    await repo.cluster.psql('INSERT INTO orders SELECT g, g FROM generate_series(2001, 2500) g;');
    backup('incr');
    await repo.switchAndArchive();
    const { workspace } = session();
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    const connection = {
      name: 'shop-prod',
      host: repo.cluster.socketDir,
      port: repo.cluster.port,
      user: 'postgres',
      repository: repo.repo,
    };
    settings['pgBackup.connections'] = [
      ...settings['pgBackup.connections'].filter((c) => c.name !== 'shop-prod'),
      connection,
    ];
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    wb = await openWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await wb?.screenshot(session().scratch.file(`repository-failure-${Date.now()}.png`));
  });

  after(async () => {
    if (wb) {
      await wb.runCommand('View: Close All Editors').catch(() => undefined);
      await wb.page.waitForTimeout(500);
    }
    await wb?.close();
    if (repo) {
      const { workspace } = session();
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
      settings['pgBackup.connections'] = settings['pgBackup.connections'].filter((c) => c.name !== 'shop-prod');
      writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
      await repo.destroy();
    }
  });

  it('shows the repository as a group with its full and incremental backups and the WAL archive range', async () => {
    await wb.openContainer('PostgreSQL Backup');
    const backups = await wb.view('Backups');
    const group = backups.locator('.monaco-list-row', { hasText: 'pgbackrest:shop (shop-prod)' }).first();
    await group.waitFor({ timeout: 60_000 });
    await backups
      .locator('.monaco-list-row', { hasText: /2 backups · pgBackRest 2\.\d+/ })
      .first()
      .waitFor({ timeout: 60_000 });
    const incr = backups.locator('.monaco-list-row', { hasText: /I\s*incr · ← \d{8}-\d{6}F · / }).first();
    await incr.waitFor();
    await backups
      .locator('.monaco-list-row', { hasText: /F\s*full · .* db \/ .* in repo/ })
      .first()
      .waitFor();
    await backups
      .locator('.monaco-list-row', { hasText: /WAL archive\s*[0-9A-F]{24} … [0-9A-F]{24}/ })
      .first()
      .waitFor();
    await wb.widenSideBar(420);
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'backup-repository.png'));
  });

  it("Back Up Now from the group's menu: the type picked, the backup done, a differential row added", async () => {
    const backups = await wb.view('Backups');
    const group = backups.locator('.monaco-list-row', { hasText: 'pgbackrest:shop (shop-prod)' }).first();
    await wb.contextMenu(group, 'Back Up Now');
    const items = await wb.quickPickItems('Back up shop-prod into pgbackrest:shop');
    const types = ['Full', 'Differential', 'Incremental'];
    assert.deepEqual(
      items.filter((l) => types.includes(l)),
      types,
      items.join(' | '),
    );
    // The group's tooltip may still cover the list: filter by typing and pick with the keyboard.
    await wb.page.keyboard.type('Differential');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Differential' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    assert.match(await wb.notification(/written into pgbackrest:shop/, 120_000), /\(diff\)/);
    await backups
      .locator('.monaco-list-row', { hasText: /D\s*diff · ← \d{8}-\d{6}F · / })
      .first()
      .waitFor({ timeout: 30_000 });
    await backups
      .locator('.monaco-list-row', { hasText: /3 backups · pgBackRest/ })
      .first()
      .waitFor();
  });

  it("opens the PITR builder on the incremental backup: the repository's facts and pgBackRest's restore", async () => {
    const backups = await wb.view('Backups');
    const incr = backups.locator('.monaco-list-row', { hasText: /I\s*incr · ← / }).first();
    await wb.contextMenu(incr, 'Open PITR Builder');
    const tab = wb.page.locator('.tab', { hasText: /PITR: \d{8}-\d{6}F_\d{8}-\d{6}I/ }).first();
    await tab.waitFor({ timeout: 60_000 });
    const frame = wb.page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await frame.locator('#backup-info dl').waitFor({ timeout: 30_000 });
    const info = await frame.locator('#backup-info').innerText();
    assert.match(info, /pgbackrest:shop/);
    assert.match(info, /incremental/);
    assert.equal(await frame.locator('#archive-section').isHidden(), true, 'no archive folder to choose');
    const command = frame.locator('#restore-command');
    await frame.locator('#restore-command', { hasText: /^pgbackrest / }).waitFor({ timeout: 30_000 });
    const text = await command.innerText();
    assert.match(text, /--stanza=shop/);
    assert.match(text, /--type=default/, 'the default target is the end of the archive (latest)');
    assert.match(text, /--set=\d{8}-\d{6}F_\d{8}-\d{6}I/);
    assert.match(text, / restore$/);
    assert.match(await frame.locator('#runbook').innerText(), /Restore from the repository/);
  });
});
