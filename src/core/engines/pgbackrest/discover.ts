/** Finds pgbackrest on PATH and asks its version (`pgBackRest 2.45`); refuses one too old for what we read. */
import { PgBackupError } from '../../errors';
import { runTool } from '../../process/run-tool';
import { findOnPath, versionAtLeast } from '../find-binary';

/** `info --output=json` with LSNs and repository sizes, and the `verify` command: pgBackRest 2.33 and newer. */
export const MIN_PGBACKREST = '2.33';

export function parseVersionOutput(text: string): string | undefined {
  return /pgBackRest (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

export async function discoverPgbackrest(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; version: string } | undefined> {
  const path = await findOnPath('pgbackrest', env);
  if (!path) return undefined;
  const out = await runTool({ file: path, args: ['version'] }).catch(() => undefined);
  const version = out && parseVersionOutput(out.stdout);
  return version ? { path, version } : undefined;
}

let found: Promise<{ path: string; version: string }> | undefined;

/** The installed pgBackRest (asked once per process), or a PgBackupError saying what is missing or too old. */
export function requirePgbackrest(): Promise<{ path: string; version: string }> {
  found ??= discoverPgbackrest().then((f) => {
    if (!f)
      throw new PgBackupError('pgBackRest is not installed: there is no pgbackrest on PATH.', 'tool-missing', {
        hint: 'Install it (Debian: apt-get install pgbackrest).',
      });
    if (!versionAtLeast(f.version, MIN_PGBACKREST))
      throw new PgBackupError(
        `pgBackRest ${f.version} is too old: pg-backup reads info JSON and runs verify from ${MIN_PGBACKREST} on.`,
        'tool-version',
        { hint: `Install pgBackRest ${MIN_PGBACKREST} or newer.` },
      );
    return f;
  });
  found.catch(() => (found = undefined));
  return found;
}
