import { parseDestination } from '../../core/offsite/destination';
import type { RemoteBackup } from '../../core/offsite/types';
import { PgBackupError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { defineCommand, EXIT } from '../command';
import { has } from '../flags';
import { S3_FLAGS, s3Options } from '../s3-flags';

function line(b: RemoteBackup): string {
  const what = b.kind === 'basebackup' ? 'base backup' : (b.format ?? 'dump');
  const facts = [
    what,
    formatBytes(b.sizeBytes),
    b.created.toISOString(),
    ...(b.database ? [`database ${b.database}`] : []),
    ...(b.server ? [`from ${b.server}`] : []),
    ...(b.serverVersion ? [`PostgreSQL ${b.serverVersion}`] : []),
  ];
  const sha =
    b.sha256 === undefined
      ? undefined
      : typeof b.sha256 === 'string'
        ? `sha256 ${b.sha256}`
        : `sha256 of ${Object.keys(b.sha256.files).length} files`;
  return [
    `${b.name}  ${facts.join(', ')}`,
    ...(sha ? [`    ${sha}`] : []),
    ...(b.problem ? [`    problem: ${b.problem}`] : []),
  ].join('\n');
}

export const listCommand = defineCommand({
  name: 'list',
  args: '<location>',
  flags: { ...S3_FLAGS, json: { help: 'print the backups (with their sidecars) as JSON' } },
  summary:
    'List the backups at a copy destination (a folder or s3://bucket/prefix) with their sidecar facts and sha256.',
  async run(p, io) {
    if (p.positional.length !== 1)
      throw new PgBackupError('Name one destination: pg-backup list <folder-or-s3://bucket/prefix>.', 'usage');
    const destination = parseDestination(p.positional[0], s3Options(p));
    const { listRemoteBackups } = await import('../../core/offsite/list');
    const backups = await listRemoteBackups({ destination, signal: io.signal, saveIndex: true });
    if (has(p, 'json')) io.out(JSON.stringify(backups, null, 2));
    else if (!backups.length) io.out(`No backups at ${p.positional[0]}.`);
    else io.out(backups.map(line).join('\n'));
    return EXIT.ok;
  },
});
