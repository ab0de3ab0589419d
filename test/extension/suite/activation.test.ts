/**
 * The extension inside a real VS Code host: it activates, registers its commands, and its Connections tree
 * lists the workspace's saved connection with the databases of the throwaway cluster the runner started.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionsTreeNode } from '../../../src/extension/tree/connections-tree';
import type { PgBackupApi } from '../../../src/extension/main';

const EXTENSION_ID = 'pg-backup.pg-backup';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('extension activation', () => {
  let extension: vscode.Extension<PgBackupApi>;
  let api: PgBackupApi;
  let lazyBundle: string;
  let lazyLoadedByActivation: boolean;

  before(async () => {
    const found = vscode.extensions.getExtension<PgBackupApi>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in the host`);
    extension = found;
    api = await extension.activate();
    lazyBundle = join(extension.extensionPath, 'dist', 'lazy.js');
    lazyLoadedByActivation = require.cache[lazyBundle] !== undefined;
  });

  it('activates and returns its API', () => {
    assert.equal(extension.isActive, true);
    assert.equal(typeof api?.connectionsTree?.getChildren, 'function');
  });

  it('measures its own activation, loading its code included (the budget is 30 ms; the title shows the number)', function () {
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs = ${api.activationMs}`);
    this.test!.title += `: ${api.activationMs.toFixed(1)} ms`;
  });

  it('leaves the commands and panels (dist/lazy.js) unloaded until one is used', () => {
    assert.equal(lazyLoadedByActivation, false, `${lazyBundle} was loaded by activation`);
  });

  it('bundles no second copy of a module activation holds, so PgBackupError and the panel registries exist once', () => {
    // esbuild marks each module in an unminified bundle with a `// <path>` comment line (npm test builds those).
    const lazyText = readFileSync(lazyBundle, 'utf8');
    assert.match(
      lazyText,
      /^\/\/ src\/extension\/commands\/add-connection\.ts$/m,
      'no module markers: is the bundle minified?',
    );
    const activationBundle = require.cache[join(extension.extensionPath, 'dist', 'extension.js')];
    assert.ok(activationBundle, "dist/extension.js is not in the host's module cache");
    const shared = Object.keys((activationBundle.exports as { __shared: object }).__shared);
    assert.ok(shared.includes('src/core/errors.ts'), `activation bundle shares ${shared.join(', ')}`);
    assert.deepEqual(
      shared.filter((path) => lazyText.includes(`\n// ${path}\n`)),
      [],
      'copied into dist/lazy.js',
    );
  });

  it('registers every command its package.json contributes', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const contributed = (
      vscode.extensions.getExtension('pg-backup.pg-backup')!.packageJSON.contributes.commands as { command: string }[]
    ).map((c) => c.command);
    assert.ok(contributed.length >= 20, `only ${contributed.length} commands contributed`);
    assert.deepEqual(
      contributed.filter((id) => !commands.has(id)),
      [],
      'contributed but not registered',
    );
  });

  describe('Connections tree', () => {
    const tree = () => api.connectionsTree;

    async function connectionNamed(name: string): Promise<ConnectionsTreeNode> {
      const roots = (await tree().getChildren()) ?? [];
      for (const element of roots) {
        if (labelOf(await tree().getTreeItem(element)) === name) return element;
      }
      assert.fail(`no connection "${name}" among ${roots.length} root item(s)`);
    }

    it('lists the databases of the connection "test", including sample and postgres', async () => {
      const element = await connectionNamed('test');
      const children = (await tree().getChildren(element)) ?? [];
      const labels = await Promise.all(children.map(async (c) => labelOf(await tree().getTreeItem(c))));
      assert.ok(labels.includes('sample'), `databases shown: ${labels.join(', ')}`);
      assert.ok(labels.includes('postgres'), `databases shown: ${labels.join(', ')}`);
    });

    it("names the server version in the connection's description once connected", async () => {
      const element = await connectionNamed('test');
      await tree().getChildren(element); // connects, which is when the version becomes known
      const description = String((await tree().getTreeItem(element)).description ?? '');
      assert.match(
        description,
        /\b15(\.\d+)?\b/,
        `connection description "${description}" does not name PostgreSQL 15`,
      );
    });
  });
});
