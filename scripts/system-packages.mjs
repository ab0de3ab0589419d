// The Debian packages the project's commands need, in one place: `npm test`, `npm run demo` and the test host's
// installer all ask here what is missing and install it (as root) or print the exact `sudo` line and stop.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Each need: the packages that provide it and the files whose presence says it is met. */
const NEEDS = {
  postgresql: { packages: ['postgresql-15', 'postgresql-client-15'], files: [`${PG_BIN}/initdb`, `${PG_BIN}/pg_dump`] },
  chromium: { packages: ['chromium'], files: ['/usr/bin/chromium'] },
  // code-server builds its kerberos addon against these headers while it installs.
  krb5: { packages: ['libkrb5-dev'], files: ['/usr/include/krb5.h', '/usr/include/gssapi/gssapi.h'] },
  // Backup engines the integration layer drives for real (issue 16); barman's package creates the `barman` user.
  pgbackrest: { packages: ['pgbackrest'], files: ['/usr/bin/pgbackrest'] },
  barman: { packages: ['barman'], files: ['/usr/bin/barman'] },
};

/** The packages missing for `needs` (names of NEEDS); `exists` is injectable for tests. */
export function missingPackages(needs, exists = existsSync) {
  return needs.flatMap((need) => (NEEDS[need].files.every((f) => exists(f)) ? [] : NEEDS[need].packages));
}

/** The one command line that installs `packages`. */
export function aptCommand(packages) {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** What a user who is not root is told: the exact line to run. */
export function sudoAdvice(packages) {
  return `Missing system packages: ${packages.join(', ')}. Install them with:\n  sudo sh -c '${aptCommand(packages)}'`;
}

/**
 * Installs what `needs` lacks. As root: apt-get, with the time it took; otherwise prints sudoAdvice and exits 2,
 * since nothing after it can work.
 */
export function ensurePackages(needs, { isRoot = process.getuid?.() === 0, log = console.log } = {}) {
  const missing = missingPackages(needs);
  if (!missing.length) return;
  if (!isRoot) {
    console.error(sudoAdvice(missing));
    process.exit(2);
  }
  log(`Installing ${missing.join(', ')} from Debian…`);
  const t = Date.now();
  const r = spawnSync('sh', ['-c', aptCommand(missing)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed (exit ${r.status ?? r.signal})`);
  log(`  done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
