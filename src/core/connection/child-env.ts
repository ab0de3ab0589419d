import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from '../process/exit-cleanup';

export interface ChildEnv {
  env: Record<string, string>;
  /** Deletes the temporary pgpass file. Safe to call twice. */
  dispose(): Promise<void>;
}

function escapePgpass(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/** One line of a pgpass file (`host:port:database:user:password`, `*` matches anything), `:` and `\` escaped. */
export function pgpassLine(host: string, port: number | '*', database: string, user: string, password: string): string {
  return [host, String(port), database, user, password].map((v) => (v === '*' ? v : escapePgpass(v))).join(':') + '\n';
}

/**
 * Environment for a client tool. A password goes into a temporary pgpass file (mode 0600, deleted by dispose, or
 * when the process exits before that): never argv, never a setting, never a log line. Without a password the
 * child inherits PGPASSFILE/~/.pgpass.
 */
export async function childEnv(password?: string): Promise<ChildEnv> {
  const env: Record<string, string> = {
    PGAPPNAME: 'pg-backup',
    PGCONNECT_TIMEOUT: process.env.PGCONNECT_TIMEOUT ?? '10',
  };
  if (password === undefined) return { env, dispose: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'pg-backup-pass-'));
  const forget = removeOnExit(dir);
  const file = join(dir, 'pgpass');
  await writeFile(file, pgpassLine('*', '*', '*', '*', password), { mode: 0o600 });
  env.PGPASSFILE = file;
  return {
    env,
    dispose: async () => {
      await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}
