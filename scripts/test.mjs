#!/usr/bin/env node
// `npm test`: installs what is missing, then runs every layer (static checks, unit, integration, extension host,
// e2e) and ends with one line `N passed, N failed` over all layers. Exit code 0 only when nothing failed.
// Layers can be chosen: `npm test -- unit integration` (names: checks unit integration extension e2e);
// `--install-only` installs and builds without testing (npm run demo uses it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const ALL = ['checks', 'unit', 'integration', 'extension', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => ALL.includes(a));
const installOnly = process.argv.includes('--install-only');
const layers = installOnly ? ['unit'] : wanted.length ? wanted : ALL;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  // A linked node_modules (a git worktree sharing another checkout's) is that checkout's to install.
  if (existsSync(root + '/node_modules') && lstatSync(root + '/node_modules').isSymbolicLink()) return;
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  console.log('Installing npm packages…');
  sh('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

/** Runs a command, echoes its output, and returns {passed, failed} read from its summary lines. */
function runLayer(name, cmd, args, env = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n=== ${name} ===`);
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const onData = (stream) => (d) => {
      text += d.toString();
      stream.write(d);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('close', (code) => {
      const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
      let passed = 0;
      let failed = 0;
      const result = [...plain.matchAll(/^RESULT: (\d+) passed, (\d+) failed/gm)].at(-1);
      if (result) {
        passed = +result[1];
        failed = +result[2];
      } else {
        passed = +(/^\s*(\d+) passing/m.exec(plain)?.[1] ?? 0);
        failed = +(/^\s*(\d+) failing/m.exec(plain)?.[1] ?? 0);
      }
      // A layer that crashed or exited non-zero without reporting a failure still counts as one failure.
      if (code !== 0 && failed === 0) failed = 1;
      const pending = [...plain.matchAll(/^\s*(\d+) pending$/gm)].reduce((a, m) => a + +m[1], 0);
      const seconds = (Date.now() - started) / 1000;
      const skipped = pending ? `, ${pending} skipped` : '';
      console.log(`--- ${name}: ${passed} passed, ${failed} failed${skipped} in ${seconds.toFixed(1)} s`);
      resolve({ name, passed, failed, pending, seconds, failures: failureReports(plain) });
    });
  });
}

/**
 * Mocha's failure reports in a layer's output ("  2 failing" and what follows, up to the next blank line after
 * each report's stack), shortened: the test's title, its error and the first lines of where it was thrown.
 */
function failureReports(plain) {
  const reports = [];
  for (const block of plain.split(/^\s*\d+ failing\s*$/m).slice(1)) {
    const lines = block.split('\n');
    let current;
    for (const line of lines) {
      if (/^\s+\d+\) /.test(line)) {
        current = [line.trimEnd()];
        reports.push(current);
      } else if (current && current.length < 14 && line.trim()) current.push(line.trimEnd());
      else if (/^\S/.test(line)) current = undefined; // the runner's own lines after mocha's report
    }
  }
  return reports.map((r) => r.join('\n'));
}

const mocha = (globs, timeout) => [
  'node_modules/mocha/bin/mocha.js',
  '--import=tsx',
  '--timeout',
  String(timeout),
  '--reporter',
  'spec',
  ...globs,
];

const started = Date.now();
const needsHost = layers.some((l) => l === 'extension' || l === 'e2e');
const needsEngines = installOnly || layers.includes('integration');
ensurePackages([
  'postgresql',
  ...(needsEngines ? ['pgbackrest', 'barman'] : []),
  ...(needsHost ? ['chromium', 'krb5'] : []),
]);
ensureNodeModules();
sh('npm', ['run', '--silent', 'build']);
if (process.argv.includes('--install-only')) process.exit(0);
if (needsHost) sh(process.execPath, ['scripts/ensure-test-host.mjs']);

const results = [];
for (const layer of layers) {
  switch (layer) {
    case 'checks':
      results.push(await runLayer('checks (tsc, eslint)', process.execPath, ['scripts/checks.mjs']));
      break;
    case 'unit':
      results.push(await runLayer('unit', process.execPath, mocha(['test/unit/**/*.test.ts'], 20000)));
      break;
    case 'integration':
      results.push(await runLayer('integration', process.execPath, mocha(['test/integration/**/*.test.ts'], 300000)));
      break;
    case 'extension':
      results.push(
        await runLayer('extension (VS Code host)', process.execPath, [
          '--import=tsx',
          'scripts/run-extension-tests.mjs',
        ]),
      );
      break;
    case 'e2e':
      results.push(await runLayer('e2e (UI)', process.execPath, ['--import=tsx', 'scripts/run-e2e.mjs']));
      break;
  }
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
console.log('\nLayer summary:');
for (const r of results)
  console.log(
    `  ${r.name.padEnd(40)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.pending).padStart(3)} skipped ${r.seconds.toFixed(1).padStart(7)} s`,
  );
console.log(`  total time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
// The failures again at the end, where a log cut to its last lines still shows them.
for (const r of results.filter((x) => x.failures.length)) {
  console.log(`Failures in ${r.name}:`);
  for (const f of r.failures) console.log(`${f}\n`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
