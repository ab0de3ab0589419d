import { parseDestination } from '../../core/offsite/destination';
import { PgBackupError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import type { BucketProtection } from '../../core/offsite/types';
import type { PruneResult, RetentionRule } from '../../core/offsite/retention';
import { defineCommand, EXIT, type CliIo } from '../command';
import { has, numberFlag } from '../flags';
import { S3_FLAGS, s3Options } from '../s3-flags';

function ruleText(rule: RetentionRule): string {
  const parts = [
    ...(rule.keep === undefined ? [] : [`the newest ${rule.keep}`]),
    ...(rule.keepDays === undefined ? [] : [`those taken in the last ${rule.keepDays} day(s)`]),
  ];
  return `keeping ${parts.join(' and ')} of each database, and always its newest good copy`;
}

function print(io: CliIo, r: PruneResult, dryRun: boolean, protection: BucketProtection | undefined): void {
  const { plan } = r;
  io.out(`${plan.destination}: ${ruleText(plan.rule)}${dryRun ? ' (dry run: nothing is deleted)' : ''}.`);
  const width = Math.max(0, ...plan.items.map((i) => i.backup.name.length));
  for (const i of plan.items) {
    const verb = i.action === 'keep' ? 'keep  ' : dryRun ? 'would delete' : 'deleted';
    const when = i.backup.created.toISOString().slice(0, 16).replace('T', ' ');
    io.out(`  ${verb.padEnd(12)}  ${i.backup.name.padEnd(width)}  ${when}  ${i.group}: ${i.reason}`);
  }
  const gone = plan.items.filter((i) => i.action === 'delete');
  const bytes = formatBytes(gone.reduce((a, i) => a + i.backup.sizeBytes, 0));
  io.out(
    dryRun
      ? `Would delete ${gone.length} of ${plan.items.length} backups (${bytes}).`
      : `Deleted ${r.deleted.length} of ${plan.items.length} backups (${bytes}).`,
  );
  if (protection) io.out(`Bucket protection: ${protection.summary}`);
}

export const pruneCommand = defineCommand({
  name: 'prune',
  args: '<location>',
  flags: {
    keep: { value: 'N', min: 1, help: 'keep the newest N backups of each database' },
    'keep-days': { value: 'N', min: 0, help: 'keep the backups taken in the last N days' },
    'dry-run': { help: 'list what would be deleted and why; delete nothing' },
    ...S3_FLAGS,
    json: { help: 'print the plan (and what was deleted) as JSON' },
  },
  summary:
    'Delete old backups at a copy destination (a folder or s3://bucket/prefix): keep the newest N and/or the last ' +
    'N days of each database, never its newest good copy. Shows the bucket’s own protection.',
  async run(p, io) {
    if (p.positional.length !== 1)
      throw new PgBackupError(
        'Name one destination: pg-backup prune <folder-or-s3://bucket/prefix> --keep N.',
        'usage',
      );
    const rule: RetentionRule = { keep: numberFlag(p, 'keep'), keepDays: numberFlag(p, 'keep-days') };
    const destination = parseDestination(p.positional[0], s3Options(p));
    const dryRun = has(p, 'dry-run');
    const { pruneDestination } = await import('../../core/offsite/retention');
    const result = await pruneDestination({
      destination,
      rule,
      dryRun,
      signal: io.signal,
      onCleanup: io.cleanup,
      progress: (done, total, b) => io.progress(`Pruned ${done} of ${total}: ${b.name}`),
    });
    const protection =
      destination.kind === 's3'
        ? await (await import('../../core/offsite/protection')).readDestinationProtection(destination, {}, io.signal)
        : undefined;
    if (has(p, 'json')) {
      const items = result.plan.items.map((i) => ({
        name: i.backup.name,
        location: i.backup.location,
        created: i.backup.created.toISOString(),
        sizeBytes: i.backup.sizeBytes,
        group: i.group,
        action: i.action,
        reason: i.reason,
      }));
      const deleted = result.deleted.map((b) => b.name);
      io.out(
        JSON.stringify({ destination: result.plan.destination, rule, dryRun, items, deleted, protection }, null, 2),
      );
    } else print(io, result, dryRun, protection);
    return EXIT.ok;
  },
});
