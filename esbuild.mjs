// Bundles the extension host code, the CLI and the webview panels. `--watch` rebuilds on change,
// `--production` minifies. Everything lands in dist/.
import { copyFileSync, mkdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * pg and execa are loaded on first use (dynamic import), yet inside the bundle V8 would still parse their ~150 KB
 * at every start: they are bundled on their own into dist/vendor/ and required from there when first needed.
 */
const VENDORED = ['pg', 'execa'];
const vendored = {
  name: 'vendored',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${VENDORED.join('|')})$`) }, (args) => ({ path: `./vendor/${args.path}.js`, external: true }));
  },
};
const vendorBuilds = VENDORED.map((name) => ({ ...common, sourcemap: false, entryPoints: [name], outfile: `dist/vendor/${name}.js`, platform: 'node', format: 'cjs', target: 'node20', external: ['pg-native'] }));

const builds = [
  { ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js', platform: 'node',
    // Marks when the bundle starts loading, so activation time includes evaluating the code, as VS Code counts it.
    banner: { js: 'globalThis.__pgBackupLoadStart = performance.now();' },
    format: 'cjs', target: 'node20', external: ['vscode', 'pg-native'], plugins: [vendored] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs',
    target: 'node20', external: ['pg-native'], banner: { js: '#!/usr/bin/env node' }, plugins: [vendored] },
  ...vendorBuilds,
  // Webview panels run in the browser; the pure core/pitr modules they import are bundled in.
  { ...common, entryPoints: ['webview/pitr/main.ts'], outfile: 'dist/webview/pitr.js', platform: 'browser',
    format: 'esm', target: 'es2022' },
  { ...common, entryPoints: ['webview/restore/main.ts'], outfile: 'dist/webview/restore.js', platform: 'browser',
    format: 'iife', target: 'es2022' },
];

// The toolkit registers its elements when loaded: the panels load this copy as a module of their own.
mkdirSync('dist/webview', { recursive: true });
copyFileSync('node_modules/@vscode/webview-ui-toolkit/dist/toolkit.min.js', 'dist/webview/toolkit.min.js');

// Extension-host tests must be plain JS loaded by the host's require(); mocha stays external (the runner's copy).
const testBuilds = [
  { ...common, entryPoints: ['test/extension/index.ts'], outfile: 'out/test/extension/index.js', platform: 'node',
    format: 'cjs', target: 'node20', external: ['vscode', 'mocha', 'pg-native'] },
];

const all = [...builds, ...(production ? [] : testBuilds)];
if (watch) {
  for (const b of all) (await esbuild.context(b)).watch();
} else {
  await Promise.all(all.map((b) => esbuild.build(b)));
}
