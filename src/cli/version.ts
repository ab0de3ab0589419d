import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** package.json's version, put in by esbuild.mjs (`define`) when the CLI is bundled. */
declare const PGBACKUP_VERSION: string | undefined;

/** The version `pg-backup --version` prints: the bundled one, else (run from source, as under tsx) package.json's. */
export function cliVersion(): string {
  if (typeof PGBACKUP_VERSION === 'string') return PGBACKUP_VERSION;
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
