import { resolve } from 'node:path';
import { recoverableWindow, pickWaldump } from '../../core/physical/wal-window';
import { readBaseBackup } from '../../core/physical/base-backup-info';
import { discoverTools } from '../../core/tools/discover';
import { PgBackupError } from '../../core/errors';
import type { RecoverableWindow } from '../../core/pitr/window';
import { defineCommand, EXIT } from '../command';
import { flag, has } from '../flags';

/** The window for a backup + archive, with the matching pg_waldump. Shared by `pitr window` and `pitr config`. */
export async function windowFor(backupDir: string, archiveDir: string, env: NodeJS.ProcessEnv, signal: AbortSignal) {
  const backup = await readBaseBackup(backupDir);
  if (backup.serverMajor === undefined)
    throw new PgBackupError(`Cannot tell the PostgreSQL version of ${backupDir}: PG_VERSION is missing.`, 'input');
  const pgWaldump = pickWaldump(
    await discoverTools(env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], env),
    backup.serverMajor,
  );
  return recoverableWindow({ backupDir, archiveDir: resolve(archiveDir), pgWaldump, signal });
}

export function describeWindow(w: RecoverableWindow): string[] {
  const point = (p: RecoverableWindow['from']) =>
    [p.time ?? 'time unknown', p.lsn && `LSN ${p.lsn}`, p.xid && `xid ${p.xid}`].filter(Boolean).join(', ');
  return [
    `Recoverable window on timeline ${w.timeline}:`,
    `  from ${point(w.from)}  (the backup's end)`,
    `  to   ${point(w.to)}  (the last archived commit)`,
    ...w.gaps.map(
      (g) =>
        `  GAP: ${g.count} segment${g.count > 1 ? 's' : ''} missing, ${g.first}${g.count > 1 ? `…${g.last}` : ''}: recovery stops at LSN ${g.startLsn}`,
    ),
    ...w.notes.map((n) => `  note: ${n}`),
  ];
}

export const pitrWindowCommand = defineCommand({
  name: 'pitr window',
  flags: {
    backup: { value: 'DIR', required: true, help: 'the base backup (a data directory or pg_basebackup tar files)' },
    archive: { value: 'DIR', required: true, help: 'the WAL archive folder' },
    json: { help: 'print the window, the backup and the archive as JSON' },
  },
  summary: 'Show how far a base backup plus a WAL archive can be recovered; exit 1 when segments are missing.',
  async run(p, io) {
    const backupDir = flag(p, 'backup');
    const archiveDir = flag(p, 'archive');
    if (!backupDir || !archiveDir) throw new PgBackupError('Both --backup DIR and --archive DIR are needed.', 'usage');
    const r = await windowFor(backupDir, archiveDir, io.env, io.signal);
    if (has(p, 'json')) {
      const { segments: _s, partials: _p, ...archive } = r.archive;
      io.out(
        JSON.stringify(
          {
            window: r.window,
            backup: r.backup,
            archive: { ...archive, segmentCount: r.archive.segments.length, partialCount: r.archive.partials.length },
          },
          null,
          2,
        ),
      );
    } else {
      io.out(describeWindow(r.window).join('\n'));
      io.out(
        `Archive ${r.archive.dir}: ${r.archive.segments.length} segments${r.archive.timelines.map((t) => `, timeline ${t.timeline} ${t.first}…${t.last}`).join('')}`,
      );
    }
    return r.window.gaps.length ? EXIT.difference : EXIT.ok;
  },
});
