import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectionString, type ConnParams } from '../core/connection/profile';
import { PgBackupError } from '../core/errors';

/**
 * `<conn>` of the CLI contract: a libpq URI, a key=value conninfo string, or the name of a connection saved in
 * the workspace's .vscode/settings.json (pgBackup.connections). The password comes from PGPASSWORD, or pgpass /
 * the service file (resolved by pg and the client tools themselves); one in the URI is refused: it would sit in
 * the command line (ps, /proc/PID/cmdline, shell history) for the whole run, or in a scheduled job's files.
 */
export function resolveConnArg(arg: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): { params: ConnParams; password?: string } {
  if (!arg) throw new PgBackupError('A connection is needed: a postgresql:// URI, a key=value string or a saved connection name.', 'usage');
  if (/^postgres(ql)?:\/\//i.test(arg) || arg.includes('=')) {
    const parsed = parseConnectionString(arg);
    if (parsed.password) {
      throw new PgBackupError(
        'The connection string holds a password: <conn> must not carry one (it would show in the process list).',
        'usage',
        undefined,
        'Leave it out of <conn>; give it in PGPASSWORD, ~/.pgpass (or a file named by PGPASSFILE) or the service file.',
      );
    }
    return { params: parsed.params, password: env.PGPASSWORD };
  }
  const settings = join(cwd, '.vscode', 'settings.json');
  if (existsSync(settings)) {
    try {
      // settings.json is JSONC: strip comments and trailing commas before parsing.
      const text = readFileSync(settings, 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1');
      const list = (JSON.parse(text)['pgBackup.connections'] ?? []) as (ConnParams & { name: string })[];
      const found = list.find((c) => c.name === arg);
      if (found) {
        const { name: _name, ...params } = found;
        return { params, password: env.PGPASSWORD };
      }
    } catch {
      // fall through to the error below
    }
  }
  throw new PgBackupError(`"${arg}" is not a connection URI, a key=value string, or a connection saved in ${settings}.`, 'usage');
}
