// Selective restore as a user sees it: a custom dump of the sample database in the workspace's backups folder,
// "Restore Selected Objects…" from the palette, the picker panel with the dump's table of contents, a search,
// one table ticked (its rows, key, sequence and default come along, each with the reason), the restore into a
// new database, and the summary with row counts in the panel; a table outside `public` restored into a new
// database with the schema and type it needs, and the pre-flight modal of a --clean restore into an existing one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { REPO_ROOT } from '../support/code-server.mjs';
import { openWorkbench, session } from './support.mjs';

const { PG15_BIN } = await tsImport('../support/cluster.ts', import.meta.url);
const { ensureBigDump } = await tsImport('../../bench/toc-read.ts', import.meta.url);

/**
 * The target is 1 s (issue 5), met on an idle machine (bench/restore-picker.ts, docs/benchmarks.md); this
 * ceiling only catches regressions, since test machines here run many jobs at once (load 16 on 2 cores seen).
 */
const READY_CEILING_MS = Number(process.env.PGBACKUP_PICKER_CEILING_MS ?? 3000);
/** Same for one keystroke's filter and redraw (target: no visible pause, i.e. within a frame or two when idle). */
const KEY_CEILING_MS = Number(process.env.PGBACKUP_PICKER_KEY_CEILING_MS ?? 250);

/** Chooses a dump in the "Restore Selected Objects…" quick pick; returns the picker's frame once rows show. */
async function openPicker(wb, name) {
  const { page } = wb;
  await wb.runCommand('PostgreSQL Backup: Restore Selected Objects…');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await page.locator('.quick-input-widget .quick-input-box input').fill(name);
  const started = Date.now();
  await page.keyboard.press('Enter');
  const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  await frame.locator('#toc .row-entry').first().waitFor({ timeout: 30_000 });
  const readyMs = Number(await frame.locator('#app').getAttribute('data-open-ms'));
  console.log(
    `      ${name}: picker ready ${readyMs} ms after its page started loading (${Date.now() - started} ms after the dump was chosen, with VS Code creating the webview)`,
  );
  return { frame, readyMs };
}

describe('Selective restore picker (packaged extension in code-server)', () => {
  let wb;
  let frame;
  let dump;
  /** A database with a table outside `public` that needs its schema and an enum type. */
  const crm = { db: 'crm_app', dump: 'crm-e2e.dump' };

  before(async function () {
    this.timeout(120_000);
    const { workspace, cluster } = session();
    const folder = join(workspace, 'backups');
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777);
    copyFileSync(await ensureBigDump(), join(folder, 'bench-10k.dump'));
    dump = join(folder, 'sample-e2e.dump');
    execFileSync(
      join(PG15_BIN, 'pg_dump'),
      ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-Fc', '-f', dump, 'sample'],
      { stdio: 'pipe' },
    );
    await cluster.psql(`CREATE DATABASE ${crm.db}`);
    await cluster.psql(
      `CREATE SCHEMA crm;
       CREATE TYPE crm.tier AS ENUM ('free', 'pro');
       CREATE TABLE crm.accounts (id serial PRIMARY KEY, name text NOT NULL, tier crm.tier NOT NULL DEFAULT 'free');
       CREATE VIEW crm.pro_accounts AS SELECT id, name FROM crm.accounts WHERE tier = 'pro';
       INSERT INTO crm.accounts (name, tier) SELECT 'account ' || g, CASE WHEN g % 4 = 0 THEN 'pro' ELSE 'free' END::crm.tier FROM generate_series(1, 20) g;`,
      crm.db,
    );
    execFileSync(
      join(PG15_BIN, 'pg_dump'),
      ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-Fc', '-f', join(folder, crm.dump), crm.db],
      { stdio: 'pipe' },
    );
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'pgBackup.backupFolders': [folder] }, null, 2));
    wb = await openWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await wb?.screenshot(session().scratch.file(`restore-failure-${Date.now()}.png`));
  });

  after(async () => {
    await wb?.close();
  });

  it('opens the picker from the palette on a custom dump, and times it', async () => {
    await wb.openContainer('PostgreSQL Backup');
    let readyMs;
    ({ frame, readyMs } = await openPicker(wb, 'sample-e2e.dump'));
    assert.ok(readyMs < READY_CEILING_MS, `the picker took ${readyMs} ms to show its rows`);
    assert.match(await frame.locator('#facts').innerText(), /database sample/);
  });

  it('filters as you type and ticks a table with its dependents, each with its reason', async () => {
    await frame.locator('#filter').fill('customers');
    await frame.locator('#shown').filter({ hasText: /match/ }).waitFor();
    const row = frame
      .locator('#toc .row-entry')
      .filter({ has: frame.locator('.kind', { hasText: /^TABLE$/ }) })
      .filter({ has: frame.locator('.name', { hasText: /^customers$/ }) })
      .first();
    await row.click();
    await frame.locator('#sel .sel-row', { hasText: 'rows of TABLE public.customers' }).waitFor();
    const sel = (await frame.locator('#sel .sel-row').allInnerTexts()).join('\n');
    assert.match(sel, /TABLE DATA/);
    assert.match(sel, /customers_pkey/);
    assert.match(sel, /customers_id_seq/);
    assert.match(await frame.locator('#counts').innerText(), /1 ticked · [1-9]\d* dependents/i);
    // The selection list works from the keyboard: the second row (a dependent) out with arrow + space, then back.
    const list = frame.locator('#sel');
    await list.press('ArrowDown');
    await list.press('Space');
    await frame.locator('#counts').filter({ hasText: '1 taken out' }).waitFor();
    await list.press('Space');
    await frame.locator('#counts').filter({ hasNotText: 'taken out' }).waitFor();
    await frame.locator('#preview').click();
    await frame.locator('#output pre').first().waitFor();
    assert.match(await frame.locator('#output').innerText(), /pg_restore .*--use-list=/);
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'restore-picker.png'));
  });

  it('restores into a new database and shows the summary with row counts', async () => {
    await frame.locator('#restore').click();
    const title = frame.locator('#summary-title');
    await title.waitFor({ timeout: 60_000 });
    assert.match(await title.innerText(), /^Restored \d+ of \d+ items into sample_restored in .*; no errors\.$/);
    assert.match(await frame.locator('#row-counts').innerText(), /public\.customers\s+50/);
  });

  it('opens a 10,000-entry dump quickly and filters each keystroke within a frame', async () => {
    await wb.runCommand('View: Close All Editors');
    const big = await openPicker(wb, 'bench-10k.dump');
    assert.match(await big.frame.locator('#shown').innerText(), /100\d\d entries/);
    console.log(`      ${await big.frame.locator('#facts').innerText()}`);
    assert.ok(big.readyMs < READY_CEILING_MS, `the picker took ${big.readyMs} ms on 10,000 entries`);
    const perKey = await big.frame.locator('#filter').evaluate((input) => {
      const times = [];
      for (const text of ['t', 't1', 't12', 't123', 't1234', 't123', 't12', 't1']) {
        const t = performance.now();
        input.value = text;
        input.dispatchEvent(new Event('input'));
        times.push(performance.now() - t);
      }
      return times;
    });
    console.log(
      `      filter per keystroke in the panel (filter + redraw): ${perKey.map((t) => t.toFixed(1)).join(', ')} ms`,
    );
    assert.ok(Math.max(...perKey) < KEY_CEILING_MS, `a keystroke took ${Math.max(...perKey).toFixed(1)} ms`);
    assert.match(await big.frame.locator('#shown').innerText(), /\d+ of 100\d\d entries match/);
  });

  it('restores a whole dump from the Backups tree\'s "Restore…" into a new database and opens the summary', async () => {
    const { page } = wb;
    await wb.runCommand('View: Close All Editors');
    const backups = await wb.view('Backups');
    const row = wb.treeRow('sample-e2e.dump', backups);
    await row.waitFor();
    await wb.contextMenu(row, 'Restore…');
    // Target: the first item is a new database named after the dump's (sample_restored is taken by now).
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: /New database "sample_restored_\d+"/ })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    // Options: a multi-select; accept the defaults.
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '--no-owner' }).first().waitFor();
    await page.keyboard.press('Enter');
    const text = await wb.notification(/sample-e2e\.dump: Restored \d+ of \d+ items into sample_restored_\d+/, 60_000);
    assert.match(text, /no errors/);
    // The summary opens rendered: a Markdown preview, a webview of its own (the only one open: editors were closed).
    const preview = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
    const heading = preview.locator('h1, h2', { hasText: /Restore of sample-e2e\.dump into sample_restored_\d+/ });
    await heading.first().waitFor({ timeout: 30_000 });
    const summary = await preview.locator('body').innerText();
    assert.match(summary, /public\.orders\s+500/);
  });

  it('restores a table outside public into a new database, bringing the schema and type it lacks', async () => {
    const { cluster } = session();
    await wb.runCommand('View: Close All Editors');
    const picker = await openPicker(wb, crm.dump);
    assert.doesNotMatch(await picker.frame.locator('#facts').innerText(), /\d+ ms/, 'no timings in the header');
    await picker.frame.locator('#filter').fill('accounts');
    await picker.frame.locator('#shown').filter({ hasText: /match/ }).waitFor();
    const row = picker.frame
      .locator('#toc .row-entry')
      .filter({ has: picker.frame.locator('.kind', { hasText: /^TABLE$/ }) })
      .filter({ has: picker.frame.locator('.name', { hasText: /^accounts$/ }) })
      .first();
    await row.click();
    await picker.frame
      .locator('#sel .sel-row.prerequisite', {
        hasText: 'needed by TABLE crm.accounts: schema crm is missing in the target',
      })
      .waitFor();
    await picker.frame
      .locator('#sel .sel-row.prerequisite', { hasText: 'type crm.tier is missing in the target' })
      .waitFor();
    await picker.frame.locator('#restore').click();
    const title = picker.frame.locator('#summary-title');
    await title.waitFor({ timeout: 60_000 });
    assert.match(await title.innerText(), /^Restored \d+ of \d+ items into crm_app_restored in .*; no errors\.$/);
    assert.match(await picker.frame.locator('#row-counts').innerText(), /crm\.accounts\s+20/);
    assert.equal(
      (await cluster.psql("SELECT count(*) FROM crm.accounts WHERE tier = 'pro'", 'crm_app_restored')).trim(),
      '5',
    );
  });

  it('shows the pre-flight of a --clean restore into the existing database: what is dropped, its rows, a safety dump first', async () => {
    const { cluster } = session();
    const { page } = wb;
    const f = wb.webview();
    await f.locator('#kind-existing').check();
    await f
      .locator('#existing')
      .filter({ has: f.locator(`option[value="${crm.db}"]`) })
      .waitFor();
    assert.equal(await f.locator('#existing').inputValue(), crm.db, "the existing database defaults to the dump's own");
    await f.locator('#opt-clean').check();
    await f.locator('#opt-ifExists').check();
    await f.locator('#restore').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    const text = await dialog.innerText();
    assert.match(text, /Restore into the existing database "crm_app" on test\?/);
    assert.match(text, /TABLE crm\.accounts \(20 rows now\)/);
    assert.match(text, /VIEW crm\.pro_accounts \(reads crm\.accounts\)/);
    // The primary button (Enter) is the first one given; secondary buttons carry the class "secondary".
    const primary = (await dialog.locator('.dialog-buttons .monaco-button:not(.secondary)').allInnerTexts()).map((b) =>
      b.trim(),
    );
    assert.deepEqual(primary, ['Dump the Target First, Then Restore'], 'the default button is the safe one');
    const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim());
    assert.ok(buttons.includes('Drop and Restore Without a Dump'));
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
    await f.locator('#status', { hasText: 'Restore not started.' }).waitFor();
    assert.equal((await cluster.psql('SELECT count(*) FROM crm.accounts', crm.db)).trim(), '20', 'nothing was dropped');
  });
});
