/**
 * Runs the in-host tests in desktop VS Code through @vscode/test-electron, for machines that can download VS
 * Code (this one cannot: scripts/run-extension-tests.mjs uses code-server instead). Build first (`npm run
 * build`); the tests need PGBACKUP_TEST_PORT of a cluster set up as scripts/run-extension-tests.mjs does.
 * Usage: npx tsx test/extension/run-electron.ts WORKSPACE_FOLDER
 */
import { runTests } from '@vscode/test-electron';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: resolve(root, 'out', 'test', 'extension', 'index'),
  launchArgs: [process.argv[2] ?? root, '--disable-workspace-trust', '--disable-extensions'],
}).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
