import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnectionString, type ConnParams } from '../core/connection/profile';
import { PgBackupError } from '../core/errors';

/**
 * settings.json is JSONC: comments and trailing commas become spaces, so JSON.parse's error positions are the
 * file's own.
 */
function jsoncToJson(text: string): string {
  const out = text.split('');
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (c === '"') {
      for (i++; i < out.length && out[i] !== '"'; i++) if (out[i] === '\\') i++;
    } else if (c === '/' && out[i + 1] === '/') {
      for (; i < out.length && out[i] !== '\n'; i++) out[i] = ' ';
    } else if (c === '/' && out[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      for (const stop = end < 0 ? out.length : end + 2; i < stop; i++) if (out[i] !== '\n') out[i] = ' ';
      i--;
    } else if (c === ',' && /^\s*[}\]]/.test(text.slice(i + 1, i + 200).replace(/\/\/.*|\/\*[^]*?\*\//g, ''))) {
      out[i] = ' ';
    }
  }
  return out.join('');
}

/** The saved connections of a settings.json; a file that is not valid JSON(C) names itself and where it breaks. */
function savedConnections(settings: string): (ConnParams & { name: string })[] {
  const text = readFileSync(settings, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsoncToJson(text));
  } catch (e) {
    const reason = (e as Error).message.replace(/ in JSON at position \d+.*$/, '');
    const pos = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? text.length);
    const before = text.slice(0, pos).split('\n');
    const where = `line ${before.length}, column ${before.at(-1)!.length + 1}`;
    const hint = 'Fix the file, or pass a postgresql:// URI.';
    throw new PgBackupError(`${settings} is not valid JSON (${where}): ${reason}.`, 'input', { hint });
  }
  const list = (parsed as Record<string, unknown> | null)?.['pgBackup.connections'];
  return Array.isArray(list) ? list : [];
}

/**
 * `<conn>` of the CLI contract: a libpq URI, a key=value conninfo string, or the name of a connection saved in
 * the workspace's .vscode/settings.json (pgBackup.connections). The password comes from PGPASSWORD, or pgpass /
 * the service file (resolved by pg and the client tools themselves); one in the URI is refused: it would sit in
 * the command line (ps, /proc/PID/cmdline, shell history) for the whole run, or in a scheduled job's files.
 */
export function resolveConnArg(
  arg: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): { params: ConnParams; password?: string } {
  if (!arg)
    throw new PgBackupError(
      'A connection is needed: a postgresql:// URI, a key=value string or a saved connection name.',
      'usage',
    );
  if (/^postgres(ql)?:\/\//i.test(arg) || arg.includes('=')) {
    const parsed = parseConnectionString(arg);
    if (parsed.password) {
      throw new PgBackupError(
        'The connection string holds a password: <conn> must not carry one (it would show in the process list).',
        'usage',
        {
          hint: 'Leave it out of <conn>; give it in PGPASSWORD, ~/.pgpass (or a file named by PGPASSFILE) or the service file.',
        },
      );
    }
    return { params: parsed.params, password: env.PGPASSWORD };
  }
  const settings = join(cwd, '.vscode', 'settings.json');
  const found = existsSync(settings) ? savedConnections(settings).find((c) => c?.name === arg) : undefined;
  if (found) {
    const { name: _name, ...params } = found;
    return { params, password: env.PGPASSWORD };
  }
  throw new PgBackupError(
    `"${arg}" is not a connection URI, a key=value string, or a connection saved in ${settings}.`,
    'usage',
  );
}
