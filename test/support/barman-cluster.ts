/**
 * A cluster for Barman: replication slots, a backup role (superuser) and a streaming role (REPLICATION), both
 * with passwords that pg_hba.conf requires over 127.0.0.1 (scram), so that Barman needs its pgpass file.
 */
import { join } from 'node:path';
import { startCluster, type Cluster } from './cluster';

export const BARMAN_ROLES = { backup: 'pgb_backup', stream: 'pgb_stream' } as const;

export async function startBarmanCluster(passwords: { backup: string; stream: string }): Promise<Cluster> {
  const cluster = await startCluster({ conf: ['max_replication_slots = 4'] });
  await cluster.psql(
    `create role ${BARMAN_ROLES.backup} login superuser password '${passwords.backup}';` +
      `create role ${BARMAN_ROLES.stream} login replication password '${passwords.stream}'`,
  );
  const hba = join(cluster.dataDir, 'pg_hba.conf');
  const strict = [
    `host replication ${BARMAN_ROLES.stream} 127.0.0.1/32 scram-sha-256`,
    `host all ${BARMAN_ROLES.backup} 127.0.0.1/32 scram-sha-256`,
  ];
  await cluster.asOwner('sh', [
    '-c',
    `printf '%s\\n' '${strict.join("' '")}' | cat - ${hba} > ${hba}.new && mv ${hba}.new ${hba}`,
  ]);
  await cluster.psql('select pg_reload_conf()');
  return cluster;
}
