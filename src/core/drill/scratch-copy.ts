/**
 * Puts a base backup into a scratch data directory for a drill: a plain backup is copied file by file (so a
 * cancel stops between files and progress follows the bytes), a tar backup is extracted with `tar`. The
 * original is only ever read. Backups with tablespaces are refused: their data lives outside the folder (plain
 * backups point at the original tablespace folders through pg_tblspc symlinks), so a drill could write there.
 */
import { copyFile, mkdir, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, PgBackupError } from '../errors';
import type { BaseBackupInfo } from '../physical/base-backup-info';
import { runTool } from '../process/run-tool';

export interface ScratchCopyOptions {
  backup: BaseBackupInfo;
  /** An existing, empty folder. */
  dataDir: string;
  signal?: AbortSignal;
  /** Fraction 0..1 of the bytes placed so far. */
  onProgress?: (fraction: number) => void;
  log?: (line: string) => void;
}

interface FileEntry {
  rel: string;
  size: number;
}

/** Every file under dir (symlinks followed, so a pg_wal made with --waldir is copied as a folder). */
async function listFiles(dir: string, rel = ''): Promise<{ files: FileEntry[]; dirs: string[] }> {
  const files: FileEntry[] = [];
  const dirs: string[] = [];
  for (const name of await readdir(join(dir, rel))) {
    const r = rel ? join(rel, name) : name;
    const s = await stat(join(dir, r));
    if (s.isDirectory()) {
      dirs.push(r);
      const sub = await listFiles(dir, r);
      files.push(...sub.files);
      dirs.push(...sub.dirs);
    } else if (s.isFile()) {
      files.push({ rel: r, size: s.size });
    }
  }
  return { files, dirs };
}

function tablespaceError(what: string, found: string): PgBackupError {
  return new PgBackupError(
    `${what} has tablespaces (${found}): a drill only restores backups whose data is all inside the backup folder.`,
    'input',
    {
      hint: 'Run the drill by hand with pg_basebackup --tablespace-mapping into scratch folders, following the runbook.',
    },
  );
}

async function refuseTablespaces(dataDir: string, what: string): Promise<void> {
  const links = await readdir(join(dataDir, 'pg_tblspc')).catch(() => [] as string[]);
  const targets = await Promise.all(links.map((l) => readlink(join(dataDir, 'pg_tblspc', l)).catch(() => l)));
  if (targets.length) throw tablespaceError(what, targets.join(', '));
  // Tar backups always carry a tablespace_map; an empty one means no tablespaces.
  const map = (await readFile(join(dataDir, 'tablespace_map'), 'utf8').catch(() => '')).trim();
  if (map)
    throw tablespaceError(
      what,
      map
        .split('\n')
        .map((l) => l.replace(/^\d+ /, ''))
        .join(', '),
    );
}

async function copyPlain(o: ScratchCopyOptions): Promise<void> {
  const src = o.backup.dir;
  await refuseTablespaces(src, src);
  const { files, dirs } = await listFiles(src);
  const total = files.reduce((n, f) => n + f.size, 0) || 1;
  for (const d of dirs) await mkdir(join(o.dataDir, d), { recursive: true, mode: 0o700 });
  let done = 0;
  for (const f of files) {
    if (o.signal?.aborted) throw new CancelledError('The drill');
    await copyFile(join(src, f.rel), join(o.dataDir, f.rel));
    done += f.size;
    o.onProgress?.(done / total);
  }
}

const TAR_FLAGS: Record<string, string> = { '': '-xf', '.gz': '-xzf' };

async function extractTar(o: ScratchCopyOptions): Promise<void> {
  const { base, wal } = o.backup.tarFiles ?? { base: 'base.tar' };
  const others = (await readdir(o.backup.dir)).filter((n) => /^\d+\.tar/.test(n));
  if (others.length) throw tablespaceError(o.backup.dir, others.join(', '));
  const members: [string, string][] = [
    [base, o.dataDir],
    ...(wal ? [[wal, join(o.dataDir, 'pg_wal')] as [string, string]] : []),
  ];
  for (const [i, [file, into]] of members.entries()) {
    const flag = TAR_FLAGS[/\.tar(\.\w+)?$/.exec(file)?.[1] ?? ''];
    if (!flag) {
      throw new PgBackupError(`The drill extracts uncompressed and gzip tar backups only, not ${file}.`, 'input', {
        hint: 'Extract the backup into a folder (runbook step 3) and run the drill on that folder.',
      });
    }
    await mkdir(into, { recursive: true, mode: 0o700 });
    await runTool({ file: 'tar', args: [flag, join(o.backup.dir, file), '-C', into], signal: o.signal, log: o.log });
    o.onProgress?.((i + 1) / members.length);
  }
  await refuseTablespaces(o.dataDir, o.backup.dir);
}

export async function placeBackup(o: ScratchCopyOptions): Promise<void> {
  await (o.backup.format === 'plain' ? copyPlain(o) : extractTar(o));
}
