// Harness for the VS Code test layers: a scratch folder that holds everything code-server and Chromium write,
// a throwaway PostgreSQL 15 cluster with a workspace whose settings point at it, code-server (a real VS Code
// server running on Node 24) in its own process group, and Chromium driven by playwright-core.
// Recipe and the reasons behind each flag: ARCHITECTURE.md ("The VS Code test host"). Runs under the machine's Node 20.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tsImport } from 'tsx/esm/api';
import { CHROMIUM, ensureTestHost, node24Env } from '../../scripts/ensure-test-host.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A quiet test profile: no trust prompt, no welcome page, no chat panel, no update checks. */
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

/** With `workspaceTrust`, trust is on and the folder opens untrusted (Restricted Mode), without asking. */
const TRUST_SETTINGS = { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' };

/**
 * A fresh folder for one run, outside the repo (unix socket paths must stay short). code-server and Chromium
 * get XDG_* and TMPDIR pointing inside it, so nothing lands in ~/.config, ~/.cache or /tmp.
 * `workspaceTrust: true` runs code-server with workspace trust (the folder untrusted); the default disables it.
 */
export function makeScratch(label, { workspaceTrust = false } = {}) {
  const root = mkdtempSync(join(tmpdir(), `pgb-${label}-`));
  const dirs = Object.fromEntries(
    ['data', 'config', 'cache', 'tmp', 'user-data', 'extensions', 'chromium-profile', 'workspace'].map((d) => [
      d,
      join(root, d),
    ]),
  );
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const env = { XDG_DATA_HOME: dirs.data, XDG_CONFIG_HOME: dirs.config, XDG_CACHE_HOME: dirs.cache, TMPDIR: dirs.tmp };
  mkdirSync(join(dirs['user-data'], 'User'), { recursive: true });
  const settings = { ...USER_SETTINGS, ...(workspaceTrust ? TRUST_SETTINGS : {}) };
  writeFileSync(join(dirs['user-data'], 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(root, 'config.yaml'), 'auth: none\n');
  return {
    root,
    dirs,
    env,
    workspaceTrust,
    file: (name) => join(root, name),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

const fixture = () => tsImport('./cluster.ts', import.meta.url);

/**
 * Starts a PostgreSQL 15 cluster with a `sample` database (two related tables with rows; every connection logged
 * in its server.log) and writes the scratch workspace's .vscode/settings.json with one connection named "test" to
 * it. Given the `cluster` of an earlier call, it writes the settings for that one (and stop() leaves it running).
 * Returns { cluster, workspace, env (for the extension host), stop() }.
 */
export async function prepareTestWorkspace(scratch, { cluster: shared } = {}) {
  const { startCluster, destroyCluster } = await fixture();
  const cluster = shared ?? (await startCluster({ conf: ['log_connections = on'] }));
  if (!shared) {
    await seedSample(cluster).catch(async (e) => {
      await destroyCluster(cluster);
      throw e;
    });
  }
  const workspace = scratch.dirs.workspace;
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const connection = { name: 'test', host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'postgres' };
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'pgBackup.connections': [connection] }, null, 2),
  );
  return {
    cluster,
    workspace,
    env: {
      PGBACKUP_TEST_HOST: '127.0.0.1',
      PGBACKUP_TEST_PORT: String(cluster.port),
      PGBACKUP_TEST_SOCKET: cluster.socketDir,
      PGBACKUP_TEST_SERVER_LOG: join(cluster.baseDir, 'server.log'),
    },
    stop: () => (shared ? undefined : destroyCluster(cluster)),
  };
}

async function seedSample(cluster) {
  await cluster.psql('CREATE DATABASE sample');
  await cluster.psql(
    `CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
     CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, total numeric(10,2));
     INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 50) g;
     INSERT INTO orders (customer_id, total) SELECT 1 + g % 50, g * 1.5 FROM generate_series(1, 500) g;`,
    'sample',
  );
}

/** Runs code-server's CLI (e.g. --install-extension) with the scratch's dirs and Node 24 first on PATH. */
export function codeServerCli(scratch, args) {
  const paths = ensureTestHost();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(paths.node, [paths.codeServerEntry, ...baseArgs(scratch), ...args], {
      env: { ...node24Env(paths), ...scratch.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise(output)
        : reject(new Error(`code-server ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

function baseArgs(scratch) {
  return [
    '--config',
    scratch.file('config.yaml'),
    '--user-data-dir',
    scratch.dirs['user-data'],
    '--extensions-dir',
    scratch.dirs.extensions,
  ];
}

/**
 * Starts code-server detached in its own process group (it spawns extension hosts, a file watcher and an agent
 * host; stop() ends the whole group). `smokeTestDriver` is needed for the extensionTestsPath payload, but it
 * hides notification toasts, so UI tests start without it. Resolves once /healthz answers.
 */
export async function startCodeServer(scratch, { smokeTestDriver = false } = {}) {
  const paths = ensureTestHost();
  const { freePort } = await fixture();
  const port = await freePort();
  const logFile = scratch.file('code-server.log');
  const out = openSync(logFile, 'a');
  const args = [
    paths.codeServerEntry,
    ...baseArgs(scratch),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(scratch.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--reconnection-grace-time',
    '5',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const child = spawn(paths.node, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...node24Env(paths), ...scratch.env },
  });
  closeSync(out);
  reapWhenGone(process.pid, child.pid);
  let exited = false;
  child.on('exit', () => (exited = true));
  const origin = `http://127.0.0.1:${port}`;
  const server = {
    port,
    origin,
    logFile,
    /** The workbench URL for a folder, optionally with an extension-test payload (pairs of [key, value]). */
    url(folder, payload) {
      const q = `?folder=${encodeURIComponent(folder)}`;
      return origin + '/' + q + (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
    },
    /** A path on the server as the workbench addresses it in a payload. */
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      killGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL'); // stragglers of the group (agent host) that outlive the main process
    },
  };
  const { sleep } = await tsImport('./time.ts', import.meta.url);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited during start-up; log: ${logFile}\n${tail(logFile)}`);
    if (await healthy(origin)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer /healthz within 60 s; log: ${logFile}\n${tail(logFile)}`);
    }
    await sleep(200);
  }
}

/**
 * A detached watchdog that ends code-server's process group once this runner is gone: stop() and the signal
 * handlers cover a normal end, Ctrl-C and a timeout's SIGTERM, but not a SIGKILL of the runner, after which a
 * detached host would otherwise live on (and keep its ~200 MB and ports).
 */
function reapWhenGone(runnerPid, groupPid) {
  const watch = `const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
    setInterval(() => {
      if (!alive(${groupPid})) process.exit(0);
      if (!alive(${runnerPid})) { try { process.kill(-${groupPid}, 'SIGKILL'); } catch {} process.exit(0); }
    }, 1000);`;
  spawn(process.execPath, ['-e', watch], { detached: true, stdio: 'ignore' }).unref();
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

async function healthy(origin) {
  try {
    return (await fetch(`${origin}/healthz`)).ok;
  } catch {
    return false;
  }
}

export function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Chromium with a fresh profile inside the scratch folder (one per window). Returns a playwright BrowserContext. */
export function launchBrowser(scratch, { viewport = { width: 1200, height: 720 } } = {}) {
  const profile = mkdtempSync(join(scratch.dirs['chromium-profile'], 'p-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: { ...process.env, ...scratch.env },
    viewport,
  });
}

/** Resolves with `work`, or rejects after `ms` with a message that says what hung. */
export async function withDeadline(work, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stoppers for what a run started (cluster, code-server, browser), run last-first by closeAll() and on
 * SIGINT/SIGTERM. Something added after closeAll() (setup still running when the deadline hit) is stopped at
 * once, so a detached code-server never outlives the runner.
 */
export function teardown() {
  const stoppers = [];
  let closed = false;
  const report = (e) => console.error(`cleanup: ${e.message}`);
  const closeAll = async () => {
    closed = true;
    while (stoppers.length) await Promise.resolve().then(stoppers.pop()).catch(report);
  };
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.once(signal, () => closeAll().finally(() => process.exit(code)));
  }
  return {
    add(stop) {
      if (closed) Promise.resolve().then(stop).catch(report);
      else stoppers.push(stop);
    },
    closeAll,
  };
}
