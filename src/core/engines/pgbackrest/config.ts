/**
 * A working pgBackRest setup for one cluster, as text and argv the editor shows before anything is applied: the
 * pgbackrest.conf (repository, retention, log/lock/spool paths, the stanza's cluster), the server settings that
 * archive into it, and the commands to run (stanza-create, then check). S3 keys never go into the file: pgBackRest
 * reads them from PGBACKREST_REPO1_S3_KEY / PGBACKREST_REPO1_S3_KEY_SECRET. Pure.
 */
import { PgBackupError } from '../../errors';
import { archiveCommand } from '../../pitr/commands';
import { gucString } from '../../pitr/quote';
import type { RepoSpec } from '../types';
import { pgbackrestArgv } from './run';
import { S3_KEY_ENV } from './s3-keys';

export type PgbackrestRepository =
  | { kind: 'local'; path: string }
  | {
      kind: 's3';
      bucket: string;
      /** Host name or IP of the S3 endpoint (s3.amazonaws.com, 127.0.0.1). */
      endpoint: string;
      region: string;
      /** Port when not 443. */
      port?: number;
      /** Folder inside the bucket. Default /pgbackrest. */
      path?: string;
      /** "path" for S3-compatible servers (MinIO, s3rver); AWS uses "host". Default host. */
      uriStyle?: 'host' | 'path';
      /** false for a self-signed certificate (a local test server). Default true. */
      verifyTls?: boolean;
    };

export interface PgbackrestSetupRequest {
  stanza: string;
  /** The cluster's data directory, and how pgBackRest reaches it locally. */
  pg: { dataDir: string; port?: number; socketDir?: string; user?: string };
  repository: PgbackrestRepository;
  /** Full backups kept (and the WAL they need). Default 2. */
  retentionFull?: number;
  /** Where the file will live; non-default paths are named by --config in every command. */
  configFile?: string;
  /** pgBackRest's log, lock and spool folders. Default Debian's /var/log/pgbackrest, /tmp/pgbackrest, /var/spool/pgbackrest. */
  paths?: { log?: string; lock?: string; spool?: string };
  /** Parallel processes for backup and restore. Default 2. */
  processMax?: number;
}

export interface PgbackrestSetup {
  configFile: string;
  configText: string;
  repo: RepoSpec;
  /** postgresql.conf lines (archive_mode needs a restart, archive_command a reload). */
  serverSettings: string[];
  archiveCommand: string;
  /** Variables the commands need in their environment (names only; the values come from SecretStorage). */
  env: string[];
  /** argv of each command to run, in order, as the cluster's OS user. */
  commands: { step: string; argv: string[] }[];
}

export const DEFAULT_CONFIG = '/etc/pgbackrest/pgbackrest.conf';

const value = (name: string, v: string | number) => {
  const text = String(v);
  if (/[\r\n]/.test(text) || text.trim() !== text || !text)
    throw new PgBackupError(`The pgBackRest setting ${name} cannot be "${text}".`, 'input');
  return `${name}=${text}`;
};

function repositoryLines(r: PgbackrestRepository): string[] {
  if (r.kind === 'local') {
    if (!r.path.startsWith('/'))
      throw new PgBackupError(`The repository must be an absolute path, not "${r.path}".`, 'input');
    return [value('repo1-path', r.path)];
  }
  return [
    value('repo1-type', 's3'),
    value('repo1-path', r.path ?? '/pgbackrest'),
    value('repo1-s3-bucket', r.bucket),
    value('repo1-s3-endpoint', r.endpoint),
    value('repo1-s3-region', r.region),
    ...(r.port ? [value('repo1-storage-port', r.port)] : []),
    ...(r.uriStyle === 'path' ? [value('repo1-s3-uri-style', 'path')] : []),
    ...(r.verifyTls === false ? [value('repo1-storage-verify-tls', 'n')] : []),
    `# repo1-s3-key and repo1-s3-key-secret come from ${S3_KEY_ENV.key} and ${S3_KEY_ENV.secret}.`,
  ];
}

export function pgbackrestSetup(req: PgbackrestSetupRequest): PgbackrestSetup {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(req.stanza))
    throw new PgBackupError(`"${req.stanza}" is not a valid stanza name: letters, digits, ".", "_" and "-".`, 'input');
  if (!req.pg.dataDir.startsWith('/'))
    throw new PgBackupError(`The data directory must be an absolute path, not "${req.pg.dataDir}".`, 'input');
  const configFile = req.configFile ?? DEFAULT_CONFIG;
  const repo: RepoSpec = {
    engine: 'pgbackrest',
    name: req.stanza,
    ...(configFile !== DEFAULT_CONFIG ? { config: configFile } : {}),
  };
  const paths = req.paths ?? {};
  const lines = [
    '# pgBackRest configuration written by pg-backup.',
    '[global]',
    ...repositoryLines(req.repository),
    value('repo1-retention-full', req.retentionFull ?? 2),
    value('log-path', paths.log ?? '/var/log/pgbackrest'),
    value('lock-path', paths.lock ?? '/tmp/pgbackrest'),
    value('spool-path', paths.spool ?? '/var/spool/pgbackrest'),
    value('process-max', req.processMax ?? 2),
    'compress-type=zst',
    'start-fast=y',
    'log-level-console=info',
    'log-level-file=detail',
    '',
    `[${req.stanza}]`,
    value('pg1-path', req.pg.dataDir),
    ...(req.pg.port ? [value('pg1-port', req.pg.port)] : []),
    ...(req.pg.socketDir ? [value('pg1-socket-path', req.pg.socketDir)] : []),
    ...(req.pg.user ? [value('pg1-user', req.pg.user)] : []),
    '',
  ];
  const archive = archiveCommand({
    kind: 'pgbackrest',
    stanza: req.stanza,
    ...(repo.config ? { config: repo.config } : {}),
  });
  const run = (step: string) => ({ step, argv: ['pgbackrest', ...pgbackrestArgv(repo, step)] });
  return {
    configFile,
    configText: lines.join('\n'),
    repo,
    serverSettings: ['archive_mode = on', `archive_command = ${gucString(archive)}`],
    archiveCommand: archive,
    env: req.repository.kind === 's3' ? [S3_KEY_ENV.key, S3_KEY_ENV.secret] : [],
    commands: [run('stanza-create'), run('check')],
  };
}
