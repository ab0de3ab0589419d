import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { cleanEnv } from '../../scripts/clean-env.mjs';
import { makeFolder, node24Env } from '../../scripts/ensure-test-host.mjs';
import { aptCommand, missingPackages, sudoAdvice } from '../../scripts/system-packages.mjs';

/** What `npm test` on Node 20 hands its children (taken from a real run's environment). */
const OUTER_NPM = {
  HOME: '/home/dev',
  LANG: 'C.UTF-8',
  PATH: [
    '/home/dev/pg-backup/node_modules/.bin',
    '/home/dev/node_modules/.bin',
    '/node_modules/.bin',
    '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
    '/usr/local/bin',
    '/usr/bin',
  ].join(delimiter),
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_nodedir: '/usr/include/node',
  npm_config_prefix: '/usr',
  NPM_CONFIG_CACHE: '/home/dev/.npm',
  npm_package_name: 'pg-backup',
  npm_lifecycle_event: 'test',
  npm_lifecycle_script: 'node scripts/test.mjs',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  INIT_CWD: '/home/dev/pg-backup',
  NODE: '/usr/bin/node',
  COLOR: '0',
  PGBACKUP_TEST_HOST_DIR: '/tmp/host',
};

describe('set-up scripts', () => {
  describe('cleanEnv (the environment of an inner npm install)', () => {
    it("drops every variable of the outer npm, whatever its case, and keeps the user's own", () => {
      const env = cleanEnv(OUTER_NPM);
      assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'PATH', 'PGBACKUP_TEST_HOST_DIR']);
      assert.equal(env.PGBACKUP_TEST_HOST_DIR, '/tmp/host');
    });

    it("drops the outer npm's PATH entries and keeps the system's in order", () => {
      assert.equal(cleanEnv(OUTER_NPM).PATH, ['/usr/local/bin', '/usr/bin'].join(delimiter));
    });

    it('adds the extra variables last', () => {
      assert.equal(cleanEnv(OUTER_NPM, { npm_config_nodedir: '/n24' }).npm_config_nodedir, '/n24');
    });

    it('node24Env: Node 24 first on PATH, its headers as nodedir, no trace of the outer npm', () => {
      const paths = { nodeBinDir: '/c/node24/bin', nodeDir: '/c/node24' };
      const env = node24Env(paths, OUTER_NPM);
      assert.equal(env.PATH.split(delimiter)[0], '/c/node24/bin');
      assert.equal(env.npm_config_nodedir, '/c/node24');
      assert.equal(env.npm_config_user_agent, undefined);
      assert.ok(!env.PATH.includes('node_modules/.bin'));
    });
  });

  describe('system packages', () => {
    it('asks for the packages of the needs whose files are missing', () => {
      const present = new Set([
        '/usr/lib/postgresql/15/bin/initdb',
        '/usr/lib/postgresql/15/bin/pg_dump',
        '/usr/include/krb5.h',
      ]);
      const exists = (f: string) => present.has(f);
      assert.deepEqual(missingPackages(['postgresql'], exists), []);
      assert.deepEqual(missingPackages(['postgresql', 'chromium', 'krb5'], exists), ['chromium', 'libkrb5-dev']);
    });

    it('installs the backup engines the integration layer drives: pgBackRest and Barman', () => {
      const exists = (f: string) => f === '/usr/bin/barman';
      assert.deepEqual(missingPackages(['pgbackrest', 'barman'], exists), ['pgbackrest']);
      assert.deepEqual(
        missingPackages(['pgbackrest', 'barman'], () => false),
        ['pgbackrest', 'barman'],
      );
    });

    it('tells a user who is not root the exact sudo line', () => {
      const advice = sudoAdvice(['chromium', 'libkrb5-dev']);
      assert.match(advice, /^Missing system packages: chromium, libkrb5-dev\. Install them with:\n {2}sudo sh -c '/);
      assert.ok(advice.includes(aptCommand(['chromium', 'libkrb5-dev'])));
      assert.equal(aptCommand(['x']), 'apt-get update && apt-get install -y --no-install-recommends x');
    });
  });

  describe('makeFolder (the cache folder, made level by level)', () => {
    it('makes missing levels, as when ~/.cache does not exist yet', () => {
      const home = mkdtempSync(join(tmpdir(), 'pgb-home-'));
      try {
        makeFolder(join(home, '.cache', 'pg-backup-test', 'node24'));
        assert.ok(existsSync(join(home, '.cache', 'pg-backup-test', 'node24')));
        makeFolder(join(home, '.cache')); // exists already: nothing to do
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });

    it('fails at once with the folder named where mkdir cannot work (Node 20 recursive mkdir spins on /proc)', () => {
      const t = Date.now();
      assert.throws(
        () => makeFolder('/proc/pgb-nope/host'),
        /^Error: cannot create the folder \/proc\/pgb-nope: ENOENT$/,
      );
      assert.ok(Date.now() - t < 1000);
    });
  });
});
