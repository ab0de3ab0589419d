// Runs the in-host extension tests (test/extension, bundled to out/test/extension/index.js) inside a real VS Code
// host: code-server with the smoke-test driver, opened in Chromium with an extension-test payload. A throwaway
// PostgreSQL 15 cluster backs the workspace's "test" connection. Two sessions: every suite with workspace trust
// disabled, then the "untrusted" suite with trust on and the folder untrusted (PGBACKUP_EXT_SUITE tells the test
// index which). Prints mocha's lines, then `RESULT: N passed, N failed` over both; exits 0 when every test passed.
// Env: PGBACKUP_VSCODE_TIMEOUT_MS (default 600000), PGBACKUP_TEST_VERBOSE=1 prints the whole workbench console,
// PGBACKUP_SKIP_BUILD=1 uses out/ and dist/ as they are, PGBACKUP_KEEP_SCRATCH=1 keeps the scratch folder
// (logs) even when the tests pass.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { ensureTestHost } from './ensure-test-host.mjs';
import {
  REPO_ROOT,
  launchBrowser,
  makeScratch,
  prepareTestWorkspace,
  startCodeServer,
  teardown,
  withDeadline,
} from '../test/support/code-server.mjs';

const TIMEOUT_MS = Number(process.env.PGBACKUP_VSCODE_TIMEOUT_MS ?? 600_000);
const VERBOSE = process.env.PGBACKUP_TEST_VERBOSE === '1';
const KEEP = process.env.PGBACKUP_KEEP_SCRATCH === '1';
/** The test index prefixes mocha's lines with this; everything else in the workbench console is noise here. */
const MARK = '[pgb-mocha] ';

/** The sessions: which suites run, and whether workspace trust is on (then the folder opens untrusted). */
const SESSIONS = [
  { label: 'ext', suite: 'trusted', workspaceTrust: false },
  { label: 'ext-untrusted', suite: 'untrusted', workspaceTrust: true },
];

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

/**
 * Cluster (or the one given), code-server, Chromium with the test payload; resolves with the extension host's
 * exit code and the workspace (its cluster serves the next session).
 */
async function runInHost(scratch, session, cluster, mocha, stoppers, t0) {
  const ws = await prepareTestWorkspace(scratch, { cluster });
  stoppers.add(ws.stop);
  const tServer = Date.now();
  const server = await startCodeServer(scratch, { smokeTestDriver: true });
  stoppers.add(server.stop);
  console.log(
    `[extension-tests] cluster on port ${ws.cluster.port} (${seconds(t0)}), code-server on ${server.port} (${seconds(tServer)})`,
  );
  const browser = await launchBrowser(scratch);
  stoppers.add(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  let hostExited;
  const exited = new Promise((resolve) => (hostExited = resolve));
  await page.exposeFunction('codeAutomationLog', (level, message) => mocha.onLog(level, message));
  await page.exposeFunction('codeAutomationExit', (exitCode) => hostExited(Number(exitCode)));
  const env = { ...ws.env, PGBACKUP_TEST_LOG_MARK: MARK, PGBACKUP_EXT_SUITE: session.suite };
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
    ['extensionTestsPath', server.remoteUri(join(REPO_ROOT, 'out', 'test', 'extension', 'index'))],
    ['extensionEnvironment', JSON.stringify(env)],
  ];
  const tHost = Date.now();
  await page.goto(server.url(ws.workspace, payload));
  const code = await exited;
  console.log(`[extension-tests] extension host ran the ${session.suite} suites and exited in ${seconds(tHost)}`);
  await server.stop();
  await browser.close();
  return { code, ws };
}

/** One session in its own scratch folder; resolves with its counts, exit code and cluster. */
async function runSession(session, cluster, stoppers, t0) {
  const scratch = makeScratch(session.label, { workspaceTrust: session.workspaceTrust });
  const transcript = createWriteStream(scratch.file('workbench-console.log'));
  const mocha = mochaLines(transcript);
  let code = 1;
  let ws;
  try {
    const what = `the ${session.suite} extension tests in code-server`;
    ({ code, ws } = await withDeadline(runInHost(scratch, session, cluster, mocha, stoppers, t0), TIMEOUT_MS, what));
  } catch (e) {
    console.error(`[extension-tests] FAILED: ${e.message}`);
    code = 1;
  } finally {
    transcript.end();
  }
  // A host that died or hung without a failing test still counts as one failure.
  const failed = code !== 0 && mocha.counts.failed === 0 ? 1 : mocha.counts.failed;
  if (code !== 0 || KEEP)
    console.log(`[extension-tests] kept ${scratch.root} (workbench-console.log, code-server.log) for inspection`);
  else stoppers.add(() => scratch.remove());
  return { passed: mocha.counts.passed, failed, code, cluster: ws?.cluster };
}

async function main() {
  const t0 = Date.now();
  ensureTestHost();
  if (process.env.PGBACKUP_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }

  const stoppers = teardown();
  const total = { passed: 0, failed: 0 };
  let code = 0;
  let cluster;
  try {
    for (const session of SESSIONS) {
      const r = await runSession(session, cluster, stoppers, t0);
      total.passed += r.passed;
      total.failed += r.failed;
      if (r.code !== 0) code = r.code;
      cluster ??= r.cluster;
      if (!cluster) break; // no workspace came up: the next session would fail the same way
    }
  } finally {
    await stoppers.closeAll();
  }
  console.log(`[extension-tests] finished in ${seconds(t0)} with exit code ${code}`);
  console.log(`RESULT: ${total.passed} passed, ${total.failed} failed`);
  process.exit(code === 0 ? 0 : 1);
}

// Set-up failures before the session (install, build, packaging) still end with the line the lead's total reads.
await main().catch((e) => {
  console.error(`[extension-tests] FAILED: ${e.message}`);
  console.log('RESULT: 0 passed, 1 failed');
  process.exit(1);
});
