import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PgBackupError } from '../errors';

/**
 * Reads a service from pg_service.conf the way libpq does: PGSERVICEFILE or ~/.pg_service.conf first, then
 * PGSYSCONFDIR/pg_service.conf. node-postgres does not support services, so we resolve them ourselves for the
 * queries we make; client tools get `service=` and resolve it themselves.
 */
export function readService(name: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const files = [
    env.PGSERVICEFILE ?? join(homedir(), '.pg_service.conf'),
    join(env.PGSYSCONFDIR ?? '/etc/postgresql-common', 'pg_service.conf'),
  ];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const section = parseServiceFile(readFileSync(file, 'utf8'))[name];
    if (section) return section;
  }
  throw new PgBackupError(`Service "${name}" was not found.`, 'usage', { hint: `Looked in ${files.join(' and ')}.` });
}

export function parseServiceFile(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      current = out[sec[1]] = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
