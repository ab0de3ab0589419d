#!/usr/bin/env node
// Static checks run as a test layer: type-check and lint.
import { spawnSync } from 'node:child_process';

let passed = 0;
let failed = 0;
function check(name, fn) {
  const problem = fn();
  if (problem) {
    failed++;
    console.log(`  ✗ ${name}\n${problem}`);
  } else {
    passed++;
    console.log(`  ✓ ${name}`);
  }
}
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stdout + r.stderr).trim() || `exit ${r.status}`;
};

check('tsc --noEmit type-checks src, test, webview and bench', () =>
  run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']),
);
check('eslint finds no problem', () =>
  run(process.execPath, [
    'node_modules/eslint/bin/eslint.js',
    '--max-warnings',
    '0',
    '--no-error-on-unmatched-pattern',
    'src',
    'test',
    'webview',
    'bench',
    'scripts',
  ]),
);
check('prettier finds every file formatted (npm run format fixes it)', () =>
  run(process.execPath, [
    'node_modules/prettier/bin/prettier.cjs',
    '--check',
    '--log-level',
    'warn',
    'src',
    'webview',
    'test',
    'scripts',
    'bench',
    'esbuild.mjs',
    'eslint.config.mjs',
  ]),
);
console.log(`RESULT: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
