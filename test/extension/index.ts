/**
 * Entry point the extension host loads for the in-host tests (`extensionTestsPath`), as @vscode/test-electron
 * and code-server's test payload both expect: `run()` resolves when mocha passes and rejects when it fails.
 * esbuild bundles this file into out/test/extension/index.js with mocha left external (the host require()s the
 * project's copy), so suites are listed here rather than globbed from disk.
 */
import Mocha from 'mocha';
import { format } from 'node:util';

/**
 * Suites in the order they run; each is imported after mocha has installed describe/it as globals. The runner's
 * PGBACKUP_EXT_SUITE picks the set: "untrusted" for a session whose folder is not trusted, else the others.
 */
const sessions: Record<string, Record<string, () => Promise<unknown>>> = {
  trusted: {
    activation: () => import('./suite/activation.test.js'),
    errors: () => import('./suite/errors.test.js'),
    restore: () => import('./suite/restore.test.js'),
    'restore-drill': () => import('./suite/restore-drill.test.js'),
    offsite: () => import('./suite/offsite.test.js'),
    pitr: () => import('./suite/pitr.test.js'),
    dump: () => import('./suite/dump.test.js'),
    schema: () => import('./suite/schema.test.js'),
    'new-user': () => import('./suite/new-user.test.js'),
    status: () => import('./suite/status.test.js'),
    'scheduled-jobs': () => import('./suite/scheduled-jobs.test.js'),
    'status-probes': () => import('./suite/status-probes.test.js'),
    walkthrough: () => import('./suite/walkthrough.test.js'),
    repository: () => import('./suite/repository.test.js'),
    'repository-s3': () => import('./suite/repository-s3.test.js'),
  },
  untrusted: {
    untrusted: () => import('./suite/untrusted.test.js'),
  },
};

/**
 * When the runner sets PGBACKUP_TEST_LOG_MARK, mocha's lines carry that prefix: the code-server runner receives
 * the whole workbench console and keeps only marked lines. Without it (test-electron) output is left as is.
 */
function markReporterOutput(): void {
  const mark = process.env.PGBACKUP_TEST_LOG_MARK;
  if (!mark) return;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(mark + format(...args));
}

export async function run(): Promise<void> {
  markReporterOutput();
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  const suites = sessions[process.env.PGBACKUP_EXT_SUITE ?? 'trusted'];
  if (!suites) throw new Error(`PGBACKUP_EXT_SUITE: not one of ${Object.keys(sessions).join(', ')}`);
  for (const [name, load] of Object.entries(suites)) {
    mocha.suite.emit('pre-require', globalThis, name, mocha);
    await load();
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension test(s) failed`);
}
