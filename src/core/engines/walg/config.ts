/**
 * WAL-G's configuration as an environment file (systemd EnvironmentFile, or `set -a; . FILE` in a shell): where
 * the backups go (WALG_S3_PREFIX with AWS_ENDPOINT for an S3-compatible store, or WALG_FILE_PREFIX for a folder),
 * the compression, how to reach the server. Access keys and passwords are never written: WAL-G reads them from
 * the environment it is started with (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; PGPASSFILE). Pure.
 */
import { PgBackupError } from '../../errors';
import { shQuote } from '../../pitr/quote';

export type WalgStorage =
  | {
      kind: 's3';
      /** s3://bucket/path */
      prefix: string;
      /** An S3-compatible endpoint (https://minio.local:9000); AWS when absent. */
      endpoint?: string;
      region?: string;
      /** Path-style addressing, which most S3-compatible servers need. */
      forcePathStyle?: boolean;
    }
  | { kind: 'file'; dir: string };

export const WALG_COMPRESSIONS = ['lz4', 'lzma', 'zstd', 'brotli'] as const;
export type WalgCompression = (typeof WALG_COMPRESSIONS)[number];

export interface WalgConfigOptions {
  storage: WalgStorage;
  compression?: WalgCompression;
  /** How backup-push reaches the server (a socket folder or a host), and as whom. */
  pgHost?: string;
  pgPort?: number;
  pgUser?: string;
  /** Delta backups between full ones (WALG_DELTA_MAX_STEPS); 0 or absent: every backup is full. */
  deltaMaxSteps?: number;
  /** Full backups `pg-backup repo expire` keeps (wal-g delete retain FULL n). */
  retainFull?: number;
}

/** Variables that hold secrets: they come from the environment, never from a file pg-backup writes. */
export const WALG_SECRET_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'PGPASSWORD',
  'WALG_LIBSODIUM_KEY',
  'WALG_PGP_KEY_PASSPHRASE',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_STORAGE_ACCESS_KEY',
] as const;

/** Our own variable in the env file: the retention `expire` applies (WAL-G has none of its own). */
export const RETAIN_FULL_VARIABLE = 'PGBACKUP_WALG_RETAIN_FULL';

export function walgEnv(o: WalgConfigOptions): Record<string, string> {
  const env: Record<string, string> = {};
  if (o.storage.kind === 's3') {
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(o.storage.prefix))
      throw new PgBackupError(`"${o.storage.prefix}" is not an S3 prefix like s3://bucket/path.`, 'usage');
    env.WALG_S3_PREFIX = o.storage.prefix;
    if (o.storage.endpoint) {
      if (!/^https?:\/\/[^\s/]+/.test(o.storage.endpoint))
        throw new PgBackupError(`"${o.storage.endpoint}" is not an endpoint URL like https://host:9000.`, 'usage');
      env.AWS_ENDPOINT = o.storage.endpoint;
    }
    env.AWS_REGION = o.storage.region ?? 'us-east-1';
    if (o.storage.forcePathStyle ?? !!o.storage.endpoint) env.AWS_S3_FORCE_PATH_STYLE = 'true';
  } else {
    if (!o.storage.dir.startsWith('/'))
      throw new PgBackupError(`The WAL-G folder must be an absolute path, not "${o.storage.dir}".`, 'usage');
    env.WALG_FILE_PREFIX = o.storage.dir;
  }
  env.WALG_COMPRESSION_METHOD = o.compression ?? 'lz4';
  if (o.pgHost) env.PGHOST = o.pgHost;
  if (o.pgPort) env.PGPORT = String(o.pgPort);
  if (o.pgUser) env.PGUSER = o.pgUser;
  if (o.deltaMaxSteps !== undefined) {
    if (!Number.isInteger(o.deltaMaxSteps) || o.deltaMaxSteps < 0)
      throw new PgBackupError('WALG_DELTA_MAX_STEPS must be a whole number ≥ 0.', 'usage');
    env.WALG_DELTA_MAX_STEPS = String(o.deltaMaxSteps);
  }
  if (o.retainFull !== undefined) {
    if (!Number.isInteger(o.retainFull) || o.retainFull < 1)
      throw new PgBackupError('The number of full backups to keep must be a whole number ≥ 1.', 'usage');
    env[RETAIN_FULL_VARIABLE] = String(o.retainFull);
  }
  return env;
}

/** `KEY=value` lines (single-quoted when needed); refuses a secret variable. */
export function renderWalgEnvFile(env: Record<string, string>): string {
  const lines = ['# WAL-G environment written by pg-backup. Access keys and passwords come from the environment.'];
  for (const [k, v] of Object.entries(env)) {
    if ((WALG_SECRET_VARIABLES as readonly string[]).includes(k))
      throw new PgBackupError(`${k} is a secret: it is never written to a file.`, 'usage', {
        hint: 'Pass it in the environment WAL-G starts with.',
      });
    if (/[\r\n]/.test(v)) throw new PgBackupError(`The WAL-G setting ${k} cannot span lines.`, 'input');
    lines.push(`${k}=${/^[\w@%+=:,./-]*$/.test(v) ? v : shQuote(v)}`);
  }
  return lines.join('\n') + '\n';
}

/** Reads an env file back (`KEY=value`, `export KEY=value`, single or double quotes, # comments). */
export function parseWalgEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)=(.*)$/.exec(raw);
    if (!m) continue;
    let v = m[2].trim();
    if (/^'.*'$/.test(v)) v = v.slice(1, -1).replace(/'\\''/g, "'");
    else if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    env[m[1]] = v;
  }
  return env;
}

/** `wal-g backup-fetch DIR LABEL` (LATEST when none is chosen). */
export function walgFetchArgv(to: string, label?: string): string[] {
  return ['wal-g', 'backup-fetch', to, label ?? 'LATEST'];
}
