import { readFile } from 'node:fs/promises';
import { stageFile, type StagedFile } from '../atomic-write';
import { PgBackupError } from '../errors';
import type { CopyRecord } from '../offsite/types';
import { backupChecksum, type BackupChecksum } from './checksum';
import { sidecarPath } from './naming';
import type { DumpFormat, DumpOptions } from './options';

/** `<backup>.pgbackup.json`: the facts of a dump, written by us next to it. */
export interface DumpSidecar {
  tool: 'pg-backup';
  format: DumpFormat;
  database: string;
  /** The server dumped, "host:port" as the client reached it (older sidecars lack it). */
  server?: string;
  serverVersion: string;
  pgDumpVersion: string;
  options: DumpOptions;
  /** ISO 8601. */
  started: string;
  durationMs: number;
  bytes: number;
  sha256: BackupChecksum;
  /** The last Verify Checksum: when (ISO 8601) and whether the backup still matched sha256. */
  verified?: { at: string; ok: boolean };
  /** Its off-site copies (src/core/offsite/copy.ts). */
  copies?: CopyRecord[];
}

/** Writes to a temporary name; call commit() to move it in place (a rename, so no reader sees half a file). */
export function stageSidecar(backupPath: string, facts: DumpSidecar): Promise<StagedFile> {
  return stageFile(sidecarPath(backupPath), JSON.stringify(facts, null, 2) + '\n');
}

export async function readSidecar(backupPath: string): Promise<DumpSidecar> {
  const path = sidecarPath(backupPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PgBackupError(
      code === 'ENOENT'
        ? `${backupPath} has no checksum file (${path} is missing).`
        : `Cannot read ${path}: ${(e as Error).message}`,
      'input',
    );
  }
  return parseSidecar(text, path);
}

/** Parses a sidecar's text (read from `path`, named in errors). */
export function parseSidecar(text: string, path: string): DumpSidecar {
  let facts: DumpSidecar;
  try {
    facts = JSON.parse(text);
  } catch (e) {
    throw new PgBackupError(`${path} is not valid JSON.`, 'input', { detail: (e as Error).message });
  }
  if (facts?.tool !== 'pg-backup' || (typeof facts.sha256 !== 'string' && typeof facts.sha256?.files !== 'object')) {
    throw new PgBackupError(`${path} is not a pg-backup sidecar with a checksum.`, 'input');
  }
  return facts;
}

export interface ChecksumReport {
  ok: boolean;
  /** Files whose content changed ("" for a single-file dump). */
  changed: string[];
  missing: string[];
  /** Files that appeared in a directory dump since it was made. */
  added: string[];
}

/** Recomputes the backup's sha256 and compares it with its sidecar. */
export async function verifyChecksum(backupPath: string): Promise<ChecksumReport> {
  const expected = (await readSidecar(backupPath)).sha256;
  let actual: BackupChecksum;
  try {
    actual = await backupChecksum(backupPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new PgBackupError(`${backupPath} does not exist.`, 'input');
    throw e;
  }
  if (typeof expected === 'string' || typeof actual === 'string') {
    const same = typeof expected === 'string' && expected === actual;
    return { ok: same, changed: same ? [] : [''], missing: [], added: [] };
  }
  const want = expected.files;
  const have = actual.files;
  const changed = Object.keys(want).filter((n) => n in have && have[n] !== want[n]);
  const missing = Object.keys(want).filter((n) => !(n in have));
  const added = Object.keys(have).filter((n) => !(n in want));
  return { ok: !changed.length && !missing.length && !added.length, changed, missing, added };
}
