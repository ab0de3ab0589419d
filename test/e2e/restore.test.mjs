// Selective restore as a user sees it: a custom dump of the sample database in the workspace's backups folder,
// "Restore Selected Objects…" from the palette, the picker panel with the dump's table of contents, a search,
// one table ticked (its rows, key, sequence and default come along, each with the reason), the restore into a
// new database, and the summary with row counts in the panel.
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
  console.log(`      ${name}: picker ready ${readyMs} ms after its page started loading (${Date.now() - started} ms after the dump was chosen, with VS Code creating the webview)`);
  return { frame, readyMs };
}

describe('Selective restore picker (packaged extension in code-server)', () => {
  let wb;
  let frame;
  let dump;

  before(async function () {
    this.timeout(120_000);
    const { workspace, cluster } = session();
    const folder = join(workspace, 'backups');
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777);
    copyFileSync(await ensureBigDump(), join(folder, 'bench-10k.dump'));
    dump = join(folder, 'sample-e2e.dump');
    execFileSync(join(PG15_BIN, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-Fc', '-f', dump, 'sample'], { stdio: 'pipe' });
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'pgBackup.backupFolders': [folder] }, null, 2));
    wb = await openWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(session().scratch.file(`restore-failure-${Date.now()}.png`));
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
    const row = frame.locator('#toc .row-entry').filter({ has: frame.locator('.kind', { hasText: /^TABLE$/ }) }).filter({ has: frame.locator('.name', { hasText: /^customers$/ }) }).first();
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
    assert.match(await title.innerText(), /Restored \d+ object\(s\) into sample_restored.*no errors/);
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
    console.log(`      filter per keystroke in the panel (filter + redraw): ${perKey.map((t) => t.toFixed(1)).join(', ')} ms`);
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
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /New database "sample_restored_\d+"/ }).first().waitFor();
    await page.keyboard.press('Enter');
    // Options: a multi-select; accept the defaults.
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '--no-owner' }).first().waitFor();
    await page.keyboard.press('Enter');
    const text = await wb.notification(/Restored sample-e2e\.dump into sample_restored_\d+/, 60_000);
    assert.doesNotMatch(text, /error/);
    const editor = page.locator('.editor-instance .view-lines').first();
    await editor.waitFor();
    const summary = await editor.innerText(); // Monaco draws spaces as no-break spaces: \s matches both
    assert.match(summary, /Restore\sof\ssample-e2e\.dump\sinto\ssample_restored_\d+/);
    assert.match(summary, /public\.orders\s*\|\s*500/);
  });
});
