// Runs the UI tests (test/e2e/*.test.mjs) against the packaged extension: packages dist/pg-backup.vsix when it
// is missing or older than the sources, installs it into a fresh code-server, starts code-server without the
// smoke-test driver (so notifications show) on a workspace whose "test" connection points at a throwaway
// PostgreSQL 15 cluster, then runs mocha here (Node 20) with playwright-core driving Chromium.
// Prints mocha's lines, then `RESULT: N passed, N failed`; exits 0 when every test passed.
// Env: PGBACKUP_VSCODE_TIMEOUT_MS (default 900000), PGBACKUP_KEEP_SCRATCH=1 keeps the scratch folder (logs),
// PGBACKUP_E2E_VSIX=FILE tests that package as it is (e.g. a CI artifact) instead of dist/pg-backup.vsix.
// Arguments: test files to run instead of all of test/e2e.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Mocha from 'mocha';
import { ensureTestHost } from './ensure-test-host.mjs';
import {
  REPO_ROOT,
  codeServerCli,
  makeScratch,
  prepareTestWorkspace,
  startCodeServer,
  teardown,
  withDeadline,
} from '../test/support/code-server.mjs';
import { setSession } from '../test/e2e/support.mjs';

const TIMEOUT_MS = Number(process.env.PGBACKUP_VSCODE_TIMEOUT_MS ?? 900_000);
const GIVEN_VSIX = process.env.PGBACKUP_E2E_VSIX ? resolve(process.env.PGBACKUP_E2E_VSIX) : undefined;
const VSIX = GIVEN_VSIX ?? join(REPO_ROOT, 'dist', 'pg-backup.vsix');
/** What goes into the .vsix: a change to any of these makes it stale. */
const PACKAGED_SOURCES = [
  'src',
  'webview',
  'media',
  'package.json',
  'esbuild.mjs',
  '.vscodeignore',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

function ensureVsix() {
  if (GIVEN_VSIX) return false;
  const built = newestMtime(VSIX);
  const sources = Math.max(...PACKAGED_SOURCES.map((p) => newestMtime(join(REPO_ROOT, p))));
  if (built > sources) return false;
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return true;
}

function testFiles() {
  const args = process.argv.slice(2);
  if (args.length) return args.map((f) => join(process.cwd(), f));
  const dir = join(REPO_ROOT, 'test', 'e2e');
  return readdirSync(dir)
    .filter((f) => /\.test\.m?js$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Installs the .vsix, starts cluster and code-server, runs mocha; `counts` is kept current as tests finish. */
async function runMocha(scratch, stoppers, counts, t0) {
  const tInstall = Date.now();
  await codeServerCli(scratch, ['--install-extension', VSIX]);
  console.log(`[e2e] installed the .vsix into code-server (${seconds(tInstall)})`);
  const ws = await prepareTestWorkspace(scratch);
  stoppers.add(ws.stop);
  const server = await startCodeServer(scratch);
  stoppers.add(server.stop);
  setSession({ scratch, server, workspace: ws.workspace, cluster: ws.cluster, stoppers });
  console.log(`[e2e] cluster on port ${ws.cluster.port}, code-server on ${server.port} (${seconds(t0)})`);

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 120_000 });
  for (const f of testFiles()) mocha.addFile(f);
  await mocha.loadFilesAsync();
  await new Promise((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', () => (counts.passed += 1));
    runner.on('fail', () => (counts.failed += 1));
  });
}

async function main() {
  const t0 = Date.now();
  ensureTestHost();
  const packaged = ensureVsix();
  console.log(`[e2e] ${packaged ? 'packaged' : 'reusing'} ${relative(REPO_ROOT, VSIX)} (${seconds(t0)})`);

  const scratch = makeScratch('e2e');
  const stoppers = teardown();
  const counts = { passed: 0, failed: 0 };
  try {
    await withDeadline(runMocha(scratch, stoppers, counts, t0), TIMEOUT_MS, 'the e2e tests');
  } catch (e) {
    console.error(`[e2e] FAILED: ${e.message}`);
    counts.failed += 1;
  } finally {
    await stoppers.closeAll();
  }
  if (counts.failed || process.env.PGBACKUP_KEEP_SCRATCH === '1') {
    console.log(`[e2e] kept ${scratch.root} (code-server.log, user-data/logs) for inspection`);
  } else scratch.remove();
  console.log(`[e2e] finished in ${seconds(t0)}`);
  console.log(`RESULT: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed ? 1 : 0);
}

// Set-up failures before the session (install, build, packaging) still end with the line the lead's total reads.
await main().catch((e) => {
  console.error(`[e2e] FAILED: ${e.message}`);
  console.log('RESULT: 0 passed, 1 failed');
  process.exit(1);
});
