/**
 * The spine's budgets: `pg-backup tools --json` < 200 ms with Node's start included, and the production
 * extension bundle < 1 MB. (Activation time is measured inside the host: the extension-host suite prints it.)
 * Run: npx tsx bench/spine.ts   (builds with --production first)
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { median } from './support/median';

const RUNS = 15;

execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
const bundle = statSync('dist/extension.js').size;
const cli = statSync('dist/cli.js').size;

const time = (args: string[]) => {
  const t = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - t;
};
time(['dist/cli.js', 'tools', '--json']); // warm the file cache
const bare = Array.from({ length: RUNS }, () => time(['-e', '0']));
const tools = Array.from({ length: RUNS }, () => time(['dist/cli.js', 'tools', '--json']));
console.log(
  `extension bundle (production): ${(bundle / 1024).toFixed(0)} KB (target < 1024 KB); CLI bundle ${(cli / 1024).toFixed(0)} KB`,
);
console.log(`node -e 0: median ${median(bare).toFixed(0)} ms`);
console.log(
  `pg-backup tools --json: median ${median(tools).toFixed(0)} ms, best ${Math.min(...tools).toFixed(0)} ms over ${RUNS} runs (target < 200 ms, Node's start included)`,
);
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
