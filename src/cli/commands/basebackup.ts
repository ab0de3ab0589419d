import { formatBytes, formatDuration } from '../../core/format';
import { takeBaseBackup } from '../../core/physical/basebackup';
import { PgBackupError } from '../../core/errors';
import { defineCommand, EXIT } from '../command';
import { flag, has } from '../flags';
import { resolveConnArg } from '../resolve-conn';

export const basebackupCommand = defineCommand({
  name: 'basebackup',
  args: '<conn>',
  flags: {
    out: { value: 'DIR', required: true, help: 'the folder the base backup goes into' },
    format: { value: 'plain|tar', help: 'a copy of the data directory, or tar files (default plain)' },
    compress: { value: 'SPEC', help: 'pg_basebackup compression, e.g. gzip, server-gzip:5, lz4 (tar)' },
    checkpoint: { value: 'fast|spread', help: 'a fast checkpoint starts at once, a spread one waits (default fast)' },
    label: { value: 'TEXT', help: 'the backup label' },
    'no-manifest': { help: 'write no backup_manifest (and so no verification)' },
    'no-verify': { help: 'do not check the backup with pg_verifybackup' },
    json: { help: 'print the result as JSON' },
  },
  summary: 'Take a physical base backup with pg_basebackup (WAL streamed, verified with pg_verifybackup when plain).',
  async run(p, io) {
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const out = flag(p, 'out');
    if (!out) throw new PgBackupError('--out DIR is needed: the folder the base backup goes into.', 'usage');
    const format = flag(p, 'format') ?? 'plain';
    if (format !== 'plain' && format !== 'tar')
      throw new PgBackupError(`--format must be plain or tar, not "${format}".`, 'usage');
    const checkpoint = flag(p, 'checkpoint') ?? 'fast';
    if (checkpoint !== 'fast' && checkpoint !== 'spread')
      throw new PgBackupError(`--checkpoint must be fast or spread, not "${checkpoint}".`, 'usage');
    const r = await takeBaseBackup({
      params,
      password,
      out,
      options: {
        format,
        compress: flag(p, 'compress'),
        checkpoint,
        label: flag(p, 'label'),
        manifest: !has(p, 'no-manifest'),
      },
      verify: !has(p, 'no-verify'),
      signal: io.signal,
      onCleanup: io.cleanup,
      onProgress: (pr) =>
        io.progress(
          pr.phase === 'verify'
            ? 'Verifying the backup…'
            : `Base backup ${pr.percent}% (${formatBytes(pr.doneKb * 1024)} of ~${formatBytes(pr.totalKb * 1024)})`,
        ),
    });
    if (has(p, 'json')) {
      io.out(JSON.stringify({ dir: r.dir, verified: r.verified, durationMs: r.durationMs, backup: r.info }, null, 2));
    } else {
      const l = r.info.label;
      io.out(
        `Base backup written to ${r.dir} (${r.info.format}${r.verified ? ', verified' : ''}) in ${formatDuration(r.durationMs)}.`,
      );
      if (l)
        io.out(
          `  label "${l.label}", started ${l.startTimeText} at LSN ${l.startLsn}, timeline ${l.startTimeline}, PostgreSQL ${r.info.pgVersion}`,
        );
    }
    return EXIT.ok;
  },
});
