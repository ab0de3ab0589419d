// Bundles the extension host code, the CLI and the webview panels. `--watch` rebuilds on change,
// `--production` minifies. Everything lands in dist/.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
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
    build.onResolve({ filter: new RegExp(`^(${VENDORED.join('|')})$`) }, (args) => ({
      path: `./vendor/${args.path}.js`,
      external: true,
    }));
    // The AWS SDK (~1 MB) the same way: src/core/offsite/sdk.ts, imported only dynamically, is dist/vendor/aws-sdk.js.
    build.onResolve({ filter: /^\.\/sdk$/ }, (args) =>
      args.importer.endsWith(`src/core/offsite/s3-client.ts`)
        ? { path: './vendor/aws-sdk.js', external: true }
        : undefined,
    );
  },
};
const vendorBuilds = VENDORED.map((name) => ({
  ...common,
  sourcemap: false,
  entryPoints: [name],
  outfile: `dist/vendor/${name}.js`,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['pg-native'],
}));
vendorBuilds.push({
  ...vendorBuilds[0],
  entryPoints: ['src/core/offsite/sdk.ts'],
  outfile: 'dist/vendor/aws-sdk.js',
});

/**
 * The extension is two bundles. dist/extension.js holds what activation runs (the trees, config, connections…);
 * dist/lazy.js (src/extension/lazy.ts: commands and panels) is required on first use, so activation neither
 * compiles nor evaluates it. A module must exist once — PgBackupError must be the same class for `instanceof`, a
 * panel registry must be one registry — so lazy.js takes every module the activation bundle holds from it
 * (extension.js exports them as `__shared`) instead of bundling a copy. The in-host activation test checks both.
 * `--watch` computes that list once: restart it after changing what activation imports.
 */
const MAIN = 'src/extension/main.ts';
const mainOptions = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'pg-native'] };
const toLazy = {
  name: 'lazy',
  setup(build) {
    build.onResolve({ filter: /^\.\/lazy$/ }, () => ({ path: './lazy.js', external: true }));
  },
};

/** The source files activation loads: the activation bundle's inputs, less the packages (copies of those are harmless). */
async function activationModules() {
  const { metafile } = await esbuild.build({
    ...mainOptions,
    entryPoints: [MAIN],
    write: false,
    metafile: true,
    sourcemap: false,
    minify: false,
    logLevel: 'error',
    plugins: [vendored, toLazy],
  });
  return Object.keys(metafile.inputs).filter((f) => f.startsWith('src/') && f !== MAIN);
}
const shared = await activationModules();

const activationEntry = {
  contents: [
    `export { activate, deactivate } from './${MAIN}';`,
    ...shared.map((f, i) => `import * as m${i} from './${f}';`),
    `export const __shared = { ${shared.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')} };`,
  ].join('\n'),
  resolveDir: process.cwd(),
  sourcefile: 'extension-entry.js',
  loader: 'js',
};

const fromActivationBundle = {
  name: 'from-activation-bundle',
  setup(build) {
    const sharedSet = new Set(shared);
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving || args.namespace !== 'file' || !args.importer.includes('/src/')) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      if (resolved.errors.length) return undefined;
      const file = relative(process.cwd(), resolved.path);
      return sharedSet.has(file) ? { path: file, namespace: 'activation-bundle' } : resolved;
    });
    build.onLoad({ filter: /.*/, namespace: 'activation-bundle' }, (args) => ({
      contents: `module.exports = require('./extension.js').__shared[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/extension\.js$/, namespace: 'activation-bundle' }, () => ({
      path: './extension.js',
      external: true,
    }));
  },
};

const builds = [
  {
    ...mainOptions,
    stdin: activationEntry,
    outfile: 'dist/extension.js',
    // Marks when the bundle starts loading, so activation time includes evaluating the code, as VS Code counts it.
    banner: { js: 'globalThis.__pgBackupLoadStart = performance.now();' },
    plugins: [vendored, toLazy],
  },
  {
    ...mainOptions,
    entryPoints: ['src/extension/lazy.ts'],
    outfile: 'dist/lazy.js',
    plugins: [vendored, fromActivationBundle],
  },
  // `pg-backup --version` is package.json's version (src/cli/version.ts).
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['pg-native'],
    banner: { js: '#!/usr/bin/env node' },
    plugins: [vendored],
    define: { PGBACKUP_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  },
  ...vendorBuilds,
  // Webview panels run in the browser; the pure core/pitr modules they import are bundled in.
  {
    ...common,
    entryPoints: ['webview/pitr/main.ts'],
    outfile: 'dist/webview/pitr.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['webview/restore/main.ts'],
    outfile: 'dist/webview/restore.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// The toolkit registers its elements when loaded: the panels load this copy as a module of their own.
mkdirSync('dist/webview', { recursive: true });
copyFileSync('node_modules/@vscode/webview-ui-toolkit/dist/toolkit.min.js', 'dist/webview/toolkit.min.js');

// Extension-host tests must be plain JS loaded by the host's require(); mocha stays external (the runner's copy).
const testBuilds = [
  {
    ...common,
    entryPoints: ['test/extension/index.ts'],
    outfile: 'out/test/extension/index.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha', 'pg-native', 's3rver'],
  },
];

const all = [...builds, ...(production ? [] : testBuilds)];
if (watch) {
  for (const b of all) (await esbuild.context(b)).watch();
} else {
  await Promise.all(all.map((b) => esbuild.build(b)));
}
