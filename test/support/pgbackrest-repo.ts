/**
 * A throwaway PostgreSQL 15 cluster archiving into a pgBackRest repository set up with the configuration pg-backup
 * generates (src/core/engines/pgbackrest/config.ts): the file written, the server's archive_command pointing at it,
 * stanza-create and check run as the cluster's OS user. Local by default; an S3 repository when given one.
 */
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import {
  pgbackrestSetup,
  type PgbackrestRepository,
  type PgbackrestSetup,
} from '../../src/core/engines/pgbackrest/config';
import type { RepoSpec } from '../../src/core/engines/types';
import { archiveCommand } from '../../src/core/pitr/commands';
import { gucString } from '../../src/core/pitr/quote';
import { destroyCluster, startCluster, type Cluster } from './cluster';
import { workFolder } from './work-folder';

export interface PgbackrestCluster {
  cluster: Cluster;
  repo: RepoSpec;
  setup: PgbackrestSetup;
  /** The folder holding the config, the local repository and pgBackRest's log/lock/spool folders. */
  base: string;
  /** Forces a WAL switch and waits until the server archived the segment (pg_stat_archiver). */
  switchAndArchive(): Promise<void>;
  destroy(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;
const execFileP = promisify(execFile);

function giveToPostgres(path: string): void {
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', path]);
}

export async function startPgbackrestCluster(
  opts: { stanza?: string; repository?: (base: string) => PgbackrestRepository; env?: Record<string, string> } = {},
): Promise<PgbackrestCluster> {
  const stanza = opts.stanza ?? 'demo';
  const base = workFolder('pgb-pgbackrest-', 0o755);
  const configFile = join(base, 'pgbackrest.conf');
  for (const d of ['repo', 'log', 'lock', 'spool']) mkdirSync(join(base, d));
  giveToPostgres(base);
  const archive = archiveCommand({ kind: 'pgbackrest', stanza, config: configFile });
  const cluster = await startCluster({ conf: ['archive_mode = on', `archive_command = ${gucString(archive)}`] });
  try {
    return await setUp(cluster, stanza, base, configFile, opts);
  } catch (e) {
    await destroyCluster(cluster);
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
}

async function setUp(
  cluster: Cluster,
  stanza: string,
  base: string,
  configFile: string,
  opts: { repository?: (base: string) => PgbackrestRepository; env?: Record<string, string> },
): Promise<PgbackrestCluster> {
  const setup = pgbackrestSetup({
    stanza,
    pg: { dataDir: cluster.dataDir, port: cluster.port, socketDir: cluster.socketDir, user: 'postgres' },
    repository: opts.repository?.(base) ?? { kind: 'local', path: join(base, 'repo') },
    configFile,
    paths: { log: join(base, 'log'), lock: join(base, 'lock'), spool: join(base, 'spool') },
    retentionFull: 2,
  });
  writeFileSync(configFile, setup.configText, { mode: 0o640 });
  if (isRoot)
    chownSync(
      configFile,
      Number(execFileSync('id', ['-u', 'postgres'])),
      Number(execFileSync('id', ['-g', 'postgres'])),
    );
  const env = { ...process.env, ...opts.env };
  // Asynchronously: an S3 test server may run in this very process.
  for (const c of setup.commands) {
    const [file, ...args] = c.argv;
    const argv = isRoot ? ['runuser', '-u', 'postgres', '--', file, ...args] : [file, ...args];
    await execFileP(argv[0], argv.slice(1), { env });
  }
  return {
    cluster,
    repo: setup.repo,
    setup,
    base,
    switchAndArchive: async () => {
      const seg = await cluster.psql('select pg_walfile_name(pg_switch_wal())');
      for (let i = 0; i < 300; i++) {
        const last = await cluster.psql("select coalesce(last_archived_wal, '') from pg_stat_archiver");
        if (last >= seg) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`WAL segment ${seg} was not archived within 30 s`);
    },
    destroy: async () => {
      await destroyCluster(cluster);
      rmSync(base, { recursive: true, force: true });
    },
  };
}
