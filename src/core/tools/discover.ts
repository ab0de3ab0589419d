import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const TOOL_NAMES = [
  'pg_dump',
  'pg_restore',
  'pg_dumpall',
  'pg_basebackup',
  'pg_verifybackup',
  'pg_waldump',
  'psql',
  'initdb',
  'pg_ctl',
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The client tools of one PostgreSQL installation (one bin folder). */
export interface ToolSet {
  major: number;
  /** Full version as the tool prints it, e.g. "15.18". */
  version: string;
  dir: string;
  tools: Partial<Record<ToolName, string>>;
}

const exe = process.platform === 'win32' ? '.exe' : '';

function globDirs(parent: string, match: RegExp, sub: string): string[] {
  try {
    return readdirSync(parent)
      .filter((n) => match.test(n))
      .map((n) => join(parent, n, sub));
  } catch {
    return [];
  }
}

/** Every folder where PostgreSQL client tools usually live, most specific first. */
export function candidateDirs(extraFolders: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [
    ...extraFolders,
    ...globDirs('/usr/lib/postgresql', /^\d+(\.\d+)?$/, 'bin'),
    ...globDirs('/usr', /^pgsql-\d+$/, 'bin'),
    ...globDirs('/opt/homebrew/opt', /^postgresql(@\d+)?$/, 'bin'),
    ...globDirs('/usr/local/opt', /^postgresql(@\d+)?$/, 'bin'),
    ...globDirs('/Applications/Postgres.app/Contents/Versions', /^\d+$/, 'bin'),
    ...globDirs(join(homedir(), 'Applications/Postgres.app/Contents/Versions'), /^\d+$/, 'bin'),
    ...globDirs('C:\\Program Files\\PostgreSQL', /^\d+$/, 'bin'),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
  ];
  return [...new Set(dirs)];
}

/** Parses "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → "15.18"; "9.6.24" stays. */
export function parseToolVersion(output: string): string | undefined {
  return /\(PostgreSQL\)\s+(\d+(?:\.\d+)*(?:beta\d+|rc\d+|devel)?)/.exec(output)?.[1];
}

export function majorOfVersion(version: string): number {
  const [a, b] = version.split('.').map((x) => parseInt(x, 10));
  return a >= 10 ? a : Number(`${a}.${b ?? 0}`);
}

/** The major of "15.18 (Debian …)" or "9.6.24"; undefined for no version. */
export function versionMajor(version: string | undefined): number | undefined {
  const v = /^(\d+(?:\.\d+)?)/.exec(version ?? '')?.[1];
  return v ? majorOfVersion(v) : undefined;
}

/**
 * Finds the client tools of every installed major. Probes each folder's pg_dump (or psql) once, all in parallel.
 * Debian's /usr/bin wrappers (pg_wrapper) are skipped: the real binaries under /usr/lib/postgresql are listed.
 */
export async function discoverTools(
  extraFolders: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ToolSet[]> {
  const seen = new Set<string>();
  const probes: Promise<ToolSet | undefined>[] = [];
  for (const dir of candidateDirs(extraFolders, env)) {
    const probeName = (['pg_dump', 'psql', 'pg_basebackup'] as const).find((t) => existsSync(join(dir, t + exe)));
    if (!probeName) continue;
    let real: string;
    try {
      real = realpathSync(join(dir, probeName + exe));
    } catch {
      continue;
    }
    if (/pg_wrapper$/.test(real) || seen.has(dirname(real))) continue;
    seen.add(dirname(real));
    const realDir = dirname(real);
    probes.push(
      execFileP(real, ['--version'], { timeout: 5000 })
        .then(({ stdout }) => {
          const version = parseToolVersion(stdout);
          if (!version) return undefined;
          const tools: ToolSet['tools'] = {};
          for (const t of TOOL_NAMES) {
            const p = join(realDir, t + exe);
            if (existsSync(p)) tools[t] = p;
          }
          return { major: majorOfVersion(version), version, dir: realDir, tools };
        })
        .catch(() => undefined),
    );
  }
  const sets = (await Promise.all(probes)).filter((s): s is ToolSet => !!s);
  // One set per major: the first found wins (extra folders first, then the standard places, then PATH).
  const byMajor = new Map<number, ToolSet>();
  for (const s of sets) if (!byMajor.has(s.major)) byMajor.set(s.major, s);
  return [...byMajor.values()].sort((a, b) => b.major - a.major);
}
