// The Connections view as a user sees it: the packaged extension in code-server, the workspace's saved
// connection "test" to a PostgreSQL 15 cluster, its databases, and "Test Connection" from the context menu.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/code-server.mjs';
import { openWorkbench } from './support.mjs';

describe('Connections view (packaged extension in code-server)', () => {
  let wb;
  let connections;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it('opens from the "PostgreSQL Backup" activity bar item and lists the connection "test"', async () => {
    await wb.openContainer('PostgreSQL Backup');
    connections = await wb.view('Connections');
    await wb.treeRow('test', connections).waitFor();
  });

  it('names the server version on the connection row as soon as the view shows', async () => {
    // The view reaches every server when it opens; the row is redrawn with the version (and then stays put).
    await connections
      .locator('.monaco-list-row', { hasText: /test\s*PostgreSQL 15\.\d+/ })
      .first()
      .waitFor();
  });

  it('expands the connection to the databases of the server', async () => {
    const row = wb.treeRow('test', connections);
    await wb.expand(row);
    await wb.treeRow('sample', connections).waitFor();
    const labels = await wb.rowLabels(connections);
    assert.ok(labels.includes('postgres'), `rows shown: ${labels.join(', ')}`);
    assert.ok(labels.includes('sample'), `rows shown: ${labels.join(', ')}`);
  });

  it('tests the connection from its context menu and reports the server version', async () => {
    await wb.contextMenu(wb.treeRow('test', connections), 'Test Connection');
    const text = await wb.notification(/Connected/);
    assert.match(text, /Connected/);
    assert.match(text, /PostgreSQL 15\.\d+/);
    await wb.notificationGone(/Connecting/);
    await wb.screenshot(join(REPO_ROOT, 'docs', 'images', 'connections.png'));
  });

  it('lists the PostgreSQL 15 client tools from the command palette (Show Client Tools)', async () => {
    await wb.runCommand('PostgreSQL Backup: Show Client Tools');
    const items = await wb.quickPickItems('PostgreSQL client tools');
    assert.ok(
      items.some((label) => /PostgreSQL 15\.\d+/.test(label)),
      `quick pick shows: ${items.join(' | ')}`,
    );
    await wb.dismissQuickInput();
  });
});
