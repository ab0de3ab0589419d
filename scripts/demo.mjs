#!/usr/bin/env node
// `npm run demo`: installs what is missing, starts a throwaway PostgreSQL 15 seeded with a small shop schema,
// writes a demo workspace that knows the connection, and opens the extension on it: desktop VS Code
// (`code --extensionDevelopmentPath`) when `code` is on PATH, otherwise code-server in the browser at a printed
// URL. Ctrl-C stops everything and removes the cluster. Run with `--no-open` to only start the database.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
/** Runs a step; a failed step throws, so whatever was started before it is stopped (see below). */
const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw Object.assign(new Error(`${cmd} ${args.join(' ')} failed`), { exitCode: r.status ?? 1 });
};

// Same installer as the tests (npm packages, PostgreSQL from Debian when missing), then the build.
try {
  sh(process.execPath, ['scripts/test.mjs', '--install-only']);
} catch (e) {
  process.exit(e.exitCode ?? 1);
}
const { tsImport } = await import('tsx/esm/api'); // the fixture is TypeScript; tsx is a devDependency
const { startCluster, destroyCluster } = await tsImport('../test/support/cluster.ts', import.meta.url);
const cluster = await startCluster();

let editor;
let stopping = false;
/** Stops the editor and the cluster (removing its folder), once, whichever way the demo ends. */
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await editor?.stop().catch(() => undefined);
  await destroyCluster(cluster);
  process.exit(code);
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  await open();
} catch (e) {
  console.error(`\nThe demo could not start: ${e.message}. Stopping the PostgreSQL server it started…`);
  await stop(e.exitCode ?? 1);
}

async function open() {
  await cluster.psql('create database sample');
  const shop = ['shop-schema.sql', 'shop-rows.sql'].map((f) => readFileSync(join('test', 'support', f), 'utf8'));
  await cluster.psql(shop.join('\n'), 'sample');
  const workspace = join(cluster.baseDir, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const connection = { name: 'demo', host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'sample' };
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'pgBackup.connections': [connection] }, null, 2),
  );
  console.log(
    `\nPostgreSQL 15 is running on 127.0.0.1:${cluster.port} (database "sample", user postgres, no password).`,
  );
  console.log(`Connection URI: ${cluster.url('sample')}\nWorkspace: ${workspace}\n`);
  // pg_ctl leaves nothing for the event loop to wait on: stay alive until Ctrl-C stops the cluster.
  setInterval(() => undefined, 1 << 30);

  if (process.argv.includes('--no-open')) {
    console.log('Press Ctrl-C to stop the database.');
  } else if (spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0) {
    spawn('code', ['--extensionDevelopmentPath', root, workspace], { stdio: 'inherit' });
    console.log('VS Code opened with the extension. Press Ctrl-C here to stop the database.');
  } else {
    // The same code-server the tests use (installed into ~/.cache/pg-backup-test), with the packaged extension.
    sh(process.execPath, ['scripts/ensure-test-host.mjs']);
    sh('npm', ['run', '--silent', 'package']);
    const { makeScratch, startCodeServer, codeServerCli } = await import('../test/support/code-server.mjs');
    const scratch = makeScratch('demo');
    editor = { stop: async () => scratch.remove() };
    await codeServerCli(scratch, ['--install-extension', join(root, 'dist', 'pg-backup.vsix')]);
    const server = await startCodeServer(scratch);
    editor = { stop: async () => (await server.stop(), scratch.remove()) };
    console.log(
      `Open ${server.url(workspace)} in your browser (code-server with the extension). Press Ctrl-C to stop.`,
    );
  }
}
