/**
 * A scheduled job whose pg_dump is a real pg_dump followed by damage to the file it wrote (before the job takes
 * its sha256), so only reading or restoring the dump can tell: the job script's PG_DUMP line is pointed at it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG15_BIN } from './cluster';

/**
 * Writes `<folder>/<name>.sh` (pg_dump, then `damage` with `$f` the dump's path) and makes the job `script` use it.
 * Returns the wrapper's path.
 */
export function damageDumpsOf(script: string, folder: string, name: string, damage: string): string {
  const wrapper = join(folder, `${name}.sh`);
  writeFileSync(
    wrapper,
    `#!/usr/bin/env bash
set -e
${PG15_BIN}/pg_dump "$@"
for a in "$@"; do case $a in --file=*) f=\${a#--file=} ;; esac; done
${damage}
`,
    { mode: 0o755 },
  );
  writeFileSync(script, readFileSync(script, 'utf8').replace(/^PG_DUMP=.*$/m, `PG_DUMP='${wrapper}'`));
  return wrapper;
}
