/**
 * pg_basebackup options → argv. WAL is always streamed (-Xs) so the backup is self-contained, progress (-P) is
 * always on, and the connection goes as a password-free `--dbname=<conninfo>`. Compression follows the tool's
 * major: 15+ takes `[client-|server-]gzip|lz4|zstd[:detail]`, older ones only gzip levels on tar output.
 */
import { PgBackupError } from '../errors';

export interface BaseBackupOptions {
  format: 'plain' | 'tar';
  /** e.g. "gzip", "gzip:9", "server-zstd:level=5", "lz4", "none"; a bare 0-9 means gzip at that level. */
  compress?: string;
  checkpoint?: 'fast' | 'spread';
  label?: string;
  /** Write backup_manifest (13+). Default true. */
  manifest?: boolean;
}

const ALGORITHMS = ['none', 'gzip', 'lz4', 'zstd'];

/** The --compress value for this tool major, or undefined for no compression; throws on what the tool refuses. */
export function compressionArg(
  spec: string | undefined,
  format: BaseBackupOptions['format'],
  toolMajor: number,
): string | undefined {
  if (spec === undefined || spec === '' || spec === 'none' || spec === '0') return undefined;
  if (toolMajor < 15) {
    const m = /^(?:gzip(?::(?:level=)?(\d))?|(\d))$/.exec(spec);
    if (!m)
      throw new PgBackupError(
        `pg_basebackup ${toolMajor} compresses with gzip only ("gzip", "gzip:N" or a level 1-9), not "${spec}".`,
        'usage',
      );
    if (format !== 'tar')
      throw new PgBackupError(`pg_basebackup ${toolMajor} can compress only the tar format.`, 'usage', {
        hint: 'Use --format tar, or pg_basebackup 15+ with server-side compression.',
      });
    return m[1] ?? m[2] ?? '6';
  }
  if (/^\d$/.test(spec)) {
    if (format !== 'tar')
      throw new PgBackupError(
        'A plain backup can only be compressed on the server side (e.g. "server-gzip").',
        'usage',
      );
    return `gzip:${spec}`;
  }
  const m = /^(?:(client|server)-)?([a-z0-9]+)(?::(.+))?$/.exec(spec);
  if (!m || !ALGORITHMS.includes(m[2])) {
    throw new PgBackupError(`Unknown compression "${spec}".`, 'usage', {
      hint: 'Use [client-|server-]gzip|lz4|zstd[:level], e.g. "server-zstd:5".',
    });
  }
  // Plain output must be decompressed on arrival: only server-side compression (of the transfer) is allowed.
  if (format === 'plain' && m[1] !== 'server') {
    throw new PgBackupError(
      `A plain backup cannot be stored compressed: use "server-${m[2]}${m[3] ? `:${m[3]}` : ''}" to compress only the transfer, or --format tar.`,
      'usage',
    );
  }
  return spec;
}

export function baseBackupArgv(
  opts: BaseBackupOptions,
  target: { dir: string; conninfo: string; toolMajor: number },
): string[] {
  const args = [
    `--dbname=${target.conninfo}`,
    `--pgdata=${target.dir}`,
    `--format=${opts.format === 'tar' ? 't' : 'p'}`,
    '--wal-method=stream',
    `--checkpoint=${opts.checkpoint ?? 'fast'}`,
    '--progress',
    '--no-password',
  ];
  const compress = compressionArg(opts.compress, opts.format, target.toolMajor);
  if (compress) args.push(`--compress=${compress}`);
  if (opts.label) args.push(`--label=${opts.label}`);
  if (opts.manifest === false && target.toolMajor >= 13) args.push('--no-manifest');
  return args;
}
