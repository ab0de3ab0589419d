// Runs the in-host extension tests (test/extension, bundled to out/test/extension/index.js) inside a real VS Code
// host: code-server with the smoke-test driver, opened in Chromium with an extension-test payload. A throwaway
// PostgreSQL 15 cluster backs the workspace's "test" connection. Prints mocha's lines, then
// `RESULT: N passed, N failed`; exits with the extension host's exit code (0 when every test passed).
// Env: PGBACKUP_VSCODE_TIMEOUT_MS (default 300000), PGBACKUP_TEST_VERBOSE=1 prints the whole workbench console,
// PGBACKUP_SKIP_BUILD=1 uses out/ and dist/ as they are, PGBACKUP_KEEP_SCRATCH=1 keeps the scratch folder
// (logs) even when the tests pass.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureTestHost } from './ensure-test-host.mjs';
import { REPO_ROOT, launchBrowser, makeScratch, prepareTestWorkspace, startCodeServer, teardown, withDeadline } from '../test/support/code-server.mjs';

const TIMEOUT_MS = Number(process.env.PGBACKUP_VSCODE_TIMEOUT_MS ?? 300_000);
const VERBOSE = process.env.PGBACKUP_TEST_VERBOSE === '1';
const KEEP = process.env.PGBACKUP_KEEP_SCRATCH === '1';
/** The test index prefixes mocha's lines with this; everything else in the workbench console is noise here. */
const MARK = '[pgb-mocha] ';

/** Collects mocha's lines from the workbench console and the counts of its summary. */
function mochaLines(transcript) {
  const counts = { passed: 0, failed: 0 };
  const start = Date.now();
  return {
    counts,
    onLog(level, message) {
      const text = Array.isArray(message) ? message.join(' ') : String(message);
      transcript.write(`[+${seconds(start)} ${level}] ${text}\n`);
      const at = text.indexOf(MARK);
      if (at < 0) {
        if (VERBOSE) console.log(`  (workbench ${level}) ${text}`);
        return;
      }
      const line = text.slice(at + MARK.length);
      console.log(line);
      const passing = /^\s*(\d+) passing/.exec(line);
      const failing = /^\s*(\d+) failing/.exec(line);
      if (passing) counts.passed = Number(passing[1]);
      if (failing) counts.failed = Number(failing[1]);
    },
  };
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Cluster, code-server, Chromium with the test payload; resolves with the extension host's exit code. */
async function runInHost(scratch, mocha, stoppers, t0) {
  const ws = await prepareTestWorkspace(scratch);
  stoppers.add(ws.stop);
  const tServer = Date.now();
  const server = await startCodeServer(scratch, { smokeTestDriver: true });
  stoppers.add(server.stop);
  console.log(`[extension-tests] cluster on port ${ws.cluster.port} (${seconds(t0)}), code-server on ${server.port} (${seconds(tServer)})`);
  const browser = await launchBrowser(scratch);
  stoppers.add(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  let hostExited;
  const exited = new Promise((resolve) => (hostExited = resolve));
  await page.exposeFunction('codeAutomationLog', (level, message) => mocha.onLog(level, message));
  await page.exposeFunction('codeAutomationExit', (exitCode) => hostExited(Number(exitCode)));
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
    ['extensionTestsPath', server.remoteUri(join(REPO_ROOT, 'out', 'test', 'extension', 'index'))],
    ['extensionEnvironment', JSON.stringify({ ...ws.env, PGBACKUP_TEST_LOG_MARK: MARK })],
  ];
  const tHost = Date.now();
  await page.goto(server.url(ws.workspace, payload));
  const code = await exited;
  console.log(`[extension-tests] extension host ran the tests and exited in ${seconds(tHost)}`);
  return code;
}

async function main() {
  const t0 = Date.now();
  ensureTestHost();
  if (process.env.PGBACKUP_SKIP_BUILD !== '1') execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });

  const scratch = makeScratch('ext');
  const transcript = createWriteStream(scratch.file('workbench-console.log'));
  const mocha = mochaLines(transcript);
  const stoppers = teardown();
  let code = 1;
  try {
    code = await withDeadline(runInHost(scratch, mocha, stoppers, t0), TIMEOUT_MS, 'the extension tests in code-server');
  } catch (e) {
    console.error(`[extension-tests] FAILED: ${e.message}`);
    code = 1;
  } finally {
    await stoppers.closeAll();
    transcript.end();
  }
  const { passed } = mocha.counts;
  // A host that died or hung without a failing test still counts as one failure.
  const failed = code !== 0 && mocha.counts.failed === 0 ? 1 : mocha.counts.failed;
  if (code !== 0 || KEEP) console.log(`[extension-tests] kept ${scratch.root} (workbench-console.log, code-server.log) for inspection`);
  else scratch.remove();
  console.log(`[extension-tests] finished in ${seconds(t0)} with exit code ${code}`);
  console.log(`RESULT: ${passed} passed, ${failed} failed`);
  process.exit(code === 0 ? 0 : 1);
}

// Set-up failures before the session (install, build, packaging) still end with the line the lead's total reads.
await main().catch((e) => {
  console.error(`[extension-tests] FAILED: ${e.message}`);
  console.log('RESULT: 0 passed, 1 failed');
  process.exit(1);
});
