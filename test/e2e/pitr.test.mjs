// The PITR builder as a user sees it: a PostgreSQL 15 cluster of its own that archives WAL into a folder, a base
// backup of it, rows committed after the backup; the panel opened from the palette on that backup, the archive
// folder typed in, the recoverable window shown, a target typed in the form and the preview following it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { REPO_ROOT } from '../support/code-server.mjs';
import { openWorkbench, session } from './support.mjs';

const { startArchivingCluster, destroyCluster, PG15_BIN } = await tsImport('../support/cluster.ts', import.meta.url);
const { sleep } = await tsImport('../support/time.ts', import.meta.url);

async function waitFor(what, check, ms = 30_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(200);
  }
}

/** `2026-11-25 15:20:01.123+00` (psql, TimeZone UTC) → `2026-11-25T15:20:01` for a datetime-local input. */
const localInputValue = (pgTime) => pgTime.slice(0, 19).replace(' ', 'T');

describe('PITR builder panel (packaged extension in code-server)', () => {
  let scratch;
  let cluster;
  let wb;
  let frame;
  let backupDir;
  let archiveDir;
  let targetTime;

  before(async function () {
    this.timeout(180_000);
    scratch = mkdtempSync(join(tmpdir(), 'pgb-e2e-pitr-'));
    chmodSync(scratch, 0o755);
    archiveDir = join(scratch, 'wal archive'); // a space: quoting in restore_command must hold
    // The archive_command pg-backup writes: the backup's own settings then tell the panel where the archive is.
    cluster = await startArchivingCluster(archiveDir, { conf: ["timezone = 'UTC'", "log_timezone = 'UTC'"] });
    await cluster.psql(
      'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g;',
    );
    backupDir = join(scratch, 'shop-base');
    execFileSync(
      join(PG15_BIN, 'pg_basebackup'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(cluster.port),
        '-U',
        'postgres',
        '-D',
        backupDir,
        '-X',
        'stream',
        '-c',
        'fast',
        '-l',
        'e2e base',
      ],
      { stdio: 'pipe' },
    );
    await cluster.psql('INSERT INTO orders SELECT g, g FROM generate_series(101, 200) g;');
    await sleep(1100);
    targetTime = await cluster.psql('SELECT now()');
    await sleep(1100);
    await cluster.psql('DROP TABLE orders;');
    const last = await cluster.psql('SELECT pg_walfile_name(pg_current_wal_lsn())');
    await cluster.psql('SELECT pg_switch_wal()');
    await waitFor('archiving of the last segment and the backup history file', () => {
      const files = readdirSync(archiveDir);
      return files.includes(last) && files.some((f) => f.endsWith('.backup'));
    });
    // The backup is listed by the palette's picker once its folder is a backup folder (the user's usual path;
    // code-server's own folder dialog is too timing-sensitive to drive reliably on a loaded machine).
    const { workspace } = session();
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    settings['pgBackup.backupFolders'] = [...(settings['pgBackup.backupFolders'] ?? []), scratch];
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    wb = await openWorkbench();
  });

  after(async () => {
    // Leave the shared workbench state as found: no PITR panel to restore for the next window, side bar shown.
    if (wb) {
      await wb.runCommand('View: Close All Editors').catch(() => undefined);
      if (!(await wb.page.locator('.part.sidebar').isVisible())) await wb.page.keyboard.press('Control+B');
      await wb.page.waitForTimeout(500);
    }
    await wb?.close();
    await destroyCluster(cluster);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('opens from the palette on a base backup folder', async () => {
    const { page } = wb;
    // The palette lists the extension's commands once its view container has been shown.
    await wb.openContainer('PostgreSQL Backup');
    await wb.runCommand('PostgreSQL Backup: Open PITR Builder');
    await wb.pickQuickItem('shop-base');
    const tab = page.locator('.tab', { hasText: 'PITR: shop-base' }).first();
    await tab.waitFor({ timeout: 60_000 });
    frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await frame.locator('#backup-info dl').waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('#backup-info').innerText(), /PostgreSQL\s+15/);
    assert.match(await frame.locator('#backup-info').innerText(), /e2e base/);
  });

  it("opens valid: the backed-up server's archive folder, the time at the window's end, Copy enabled", async () => {
    const value = (sel) => frame.locator(sel).inputValue();
    await waitFor('the archive folder', async () => (await value('#archive-dir input')) === archiveDir);
    await frame.locator('#window-to').waitFor({ timeout: 30_000 });
    await waitFor('the time at the end of the window', async () => (await value('#target-time')) !== '');
    const time = await value('#target-time');
    assert.match(time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(await frame.locator('#target-zone input').inputValue(), 'UTC');
    assert.equal(await frame.locator('#issues li.error').count(), 0, await frame.locator('#issues').innerText());
    for (const id of ['#copy-files', '#copy-runbook', '#save-files', '#run-drill']) {
      assert.equal(await frame.locator(id).getAttribute('disabled'), null, `${id} is disabled`);
    }
    const preview = await frame.locator('#files').innerText();
    assert.ok(preview.includes(`recovery_target_time = '${time.replace('T', ' ')} UTC'`), preview);
  });

  it('keeps Copy, Save and the drill disabled while the date is empty, and previews no bare zone', async () => {
    await frame.locator('#target-time').fill('');
    const disabled = (id) => frame.locator(id).getAttribute('disabled');
    await waitFor('Copy to be disabled', async () => (await disabled('#copy-files')) === '');
    for (const id of ['#copy-runbook', '#save-files', '#run-drill']) {
      assert.equal(await disabled(id), '', `${id} is enabled`);
    }
    assert.doesNotMatch(await frame.locator('#files').innerText(), /recovery_target_time = 'UTC'/);
    assert.match(await frame.locator('#issues').innerText(), /Pick the date and time/);
  });

  it('reads the archive folder and shows the recoverable window from the backup end to the last commit', async () => {
    await frame.locator('#archive-dir input').fill(archiveDir);
    await frame.locator('#window-to').waitFor({ timeout: 30_000 });
    const from = await frame.locator('#window-from').innerText();
    const to = await frame.locator('#window-to').innerText();
    assert.match(from, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · LSN [0-9A-F]+\/[0-9A-F]+/);
    assert.match(to, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · LSN [0-9A-F]+\/[0-9A-F]+ · xid \d+/);
    assert.ok(from < to, `window runs backwards: ${from} … ${to}`);
  });

  it('refuses a target before the backup ended, against the real window', async () => {
    await frame.locator('#target-zone input').fill('UTC');
    await frame.locator('#target-time').fill('2020-01-01T00:00:00');
    const issue = frame.locator('#issues li.error').first();
    await issue.waitFor();
    assert.match(await issue.innerText(), /before the backup ended/);
    assert.equal(await frame.locator('#save-files').getAttribute('disabled'), '');
  });

  it('updates the preview as a target is typed, within one frame', async () => {
    const value = localInputValue(targetTime);
    await frame.locator('#target-time').fill(value);
    const files = frame.locator('#files');
    await waitFor('the preview to show the typed target', async () =>
      (await files.innerText()).includes(`recovery_target_time = '${value.replace('T', ' ')} UTC'`),
    );
    const text = await files.innerText();
    assert.match(text, /recovery\.signal/);
    assert.match(text, /restore_command = 'cp ''\/.*wal archive\/%f'' ''%p'''/);
    assert.match(text, /recovery_target_action = 'pause'/);
    assert.match(text, /archive_mode = off/);
    assert.equal(await frame.locator('#issues li.error').count(), 0, await frame.locator('#issues').innerText());
    const ms = Number(await frame.locator('#render-time').getAttribute('data-ms'));
    assert.ok(ms < 16, `the preview took ${ms} ms, more than a frame`);
    console.log(`      preview recomputed in ${ms.toFixed(1)} ms after the keystroke`);
    assert.match(await frame.locator('#runbook').innerText(), /Move the old data directory aside/);
    await frame.locator('.target-marker:not([hidden])').waitFor();
  });

  it('flags a malformed LSN as it is typed and follows the chosen action', async () => {
    await frame.locator('vscode-radio[value="lsn"]').click();
    await frame.locator('#target-lsn input').fill('0/ZZ');
    await frame.locator('#issues li.error', { hasText: 'is not an LSN' }).waitFor();
    await frame.locator('vscode-radio[value="time"]').click();
    await frame.locator('vscode-radio[value="promote"]').click();
    await waitFor('the action to change', async () =>
      (await frame.locator('#files').innerText()).includes("recovery_target_action = 'promote'"),
    );
  });

  it('keeps every field and the drill result across a tab switch', async function () {
    this.timeout(240_000);
    const { page } = wb;
    await frame.locator('#run-drill').click();
    await frame.locator('#drill', { hasText: 'Target reached.' }).waitFor({ timeout: 180_000 });
    await frame.locator('#data-dir input').fill('/srv/restored/15/main');
    await frame.locator('#os-user input').fill('pgadmin');
    await sleep(300);
    // Another editor in front hides the panel (its page is dropped); its tab brings the panel back.
    await wb.runCommand('File: New Untitled Text File');
    const untitled = page.locator('.tab', { hasText: 'Untitled' }).first();
    await untitled.waitFor();
    await page.locator('.tab', { hasText: 'PITR: shop-base' }).first().click();
    frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await frame.locator('#backup-info dl').waitFor({ timeout: 30_000 });
    const value = (sel) => frame.locator(sel).inputValue();
    await waitFor('the restored form', async () => (await value('#data-dir input')) === '/srv/restored/15/main');
    assert.equal(await value('#os-user input'), 'pgadmin');
    assert.equal(await value('#archive-dir input'), archiveDir);
    assert.match(await frame.locator('#drill').innerText(), /Target reached\./);
    const files = () => frame.locator('#files').innerText();
    await waitFor('the chosen action', async () => (await files()).includes("recovery_target_action = 'promote'"));
    assert.match(await frame.locator('#runbook').innerText(), /sudo -u pgadmin .*'\/srv\/restored\/15\/main'/);
    await wb.runCommand('View: Close Other Editors in Group');
    await untitled.waitFor({ state: 'detached' });
  });

  it('is pictured for the README', async () => {
    const { page } = wb;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Control+B'); // hide the side bar: the panel gets the window
    await frame.locator('body').evaluate(() => window.scrollTo(0, 0));
    await frame.locator('#window-to').waitFor();
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'pitr-builder.png'));
  });

  it('comes back with its form after a window reload (getState and the panel serializer)', async () => {
    const { page } = wb;
    await wb.runCommand('Developer: Reload Window');
    await page.locator('.tab', { hasText: 'PITR: shop-base' }).first().waitFor({ timeout: 60_000 });
    frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await frame.locator('#backup-info dl').waitFor({ timeout: 60_000 });
    await waitFor('the restored preview', async () =>
      (await frame.locator('#files').innerText()).includes("recovery_target_action = 'promote'"),
    );
    assert.equal(await frame.locator('#target-zone input').inputValue(), 'UTC');
    assert.equal(await frame.locator('#archive-dir input').inputValue(), archiveDir);
    await frame.locator('#window-to').waitFor(); // the archive is read again for the restored folder
  });
});
