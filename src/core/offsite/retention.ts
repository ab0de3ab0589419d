/**
 * Retention at a destination: keep the newest N and/or the last N days of backups, per server and database, and
 * never the newest good copy. The plan is pure (the clock comes in) and says for every backup whether it stays and
 * why; applying it deletes each backup's sidecar first, then its objects, so that a prune stopped half way leaves a
 * backup without a sidecar (listed, not good, pruned next time), never one that looks good but is not whole.
 *
 * Age is the backup's `created`: the sidecar's `started` (when the dump was taken), else when the copy was written.
 */
import { CancelledError, PgBackupError } from '../errors';
import type { RemoteBackup } from './types';

export interface RetentionRule {
  /** Keep the newest N of each database. */
  keep?: number;
  /** Keep those taken in the last N days. */
  keepDays?: number;
}

export interface RetentionItem {
  backup: RemoteBackup;
  /** "server/database" (or "base backups of server"): the set its rule is counted in. */
  group: string;
  action: 'keep' | 'delete';
  /** Why, in a few words: "one of the newest 3", "the newest good copy", "older than 7 days, not one of the newest 3". */
  reason: string;
}

export interface RetentionPlan {
  destination: string;
  rule: RetentionRule;
  /** Every backup, per group newest first. */
  items: RetentionItem[];
}

const DAY_MS = 86_400_000;

/** Good: its sidecar was read, with a sha256, and no verification of it failed. */
export function isGoodCopy(b: RemoteBackup): boolean {
  return !!b.sidecar && !!(b.sha256 ?? b.sidecar.sha256) && !b.problem && b.sidecar.verified?.ok !== false;
}

function groupOf(b: RemoteBackup): string | undefined {
  if (b.kind === 'basebackup') return `base backups of ${b.server ?? 'an unnamed server'}`;
  return b.database === undefined ? undefined : `${b.server ?? '(unknown server)'}/${b.database}`;
}

function describe(rule: RetentionRule): string {
  const parts = [
    ...(rule.keep === undefined ? [] : [`not one of the newest ${rule.keep}`]),
    ...(rule.keepDays === undefined ? [] : [`older than ${rule.keepDays} day${rule.keepDays === 1 ? '' : 's'}`]),
  ];
  return parts.join(', ');
}

/** Checks the rule: at least one of keep and keepDays, whole numbers (keep ≥ 1, keepDays ≥ 0); 'usage' errors. */
export function checkRule(rule: RetentionRule): void {
  const whole = (n: number | undefined, min: number) => n === undefined || (Number.isInteger(n) && n >= min);
  if (rule.keep === undefined && rule.keepDays === undefined) {
    throw new PgBackupError('Say what to keep: --keep N and/or --keep-days N.', 'usage');
  }
  if (!whole(rule.keep, 1)) throw new PgBackupError(`--keep must be a whole number of at least 1.`, 'usage');
  if (!whole(rule.keepDays, 0)) throw new PgBackupError(`--keep-days must be a whole number of at least 0.`, 'usage');
}

/** What the rule keeps and deletes at one destination. A backup is kept when any part of the rule keeps it. */
export function planRetention(
  destination: string,
  backups: readonly RemoteBackup[],
  rule: RetentionRule,
  now: number,
): RetentionPlan {
  checkRule(rule);
  const groups = new Map<string, RemoteBackup[]>();
  const items: RetentionItem[] = [];
  for (const b of backups) {
    const g = groupOf(b);
    if (g === undefined) {
      items.push({ backup: b, group: '(unknown database)', action: 'keep', reason: 'its database is not known' });
    } else groups.set(g, [...(groups.get(g) ?? []), b]);
  }
  const whyDelete = describe(rule);
  for (const [group, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => b.created.getTime() - a.created.getTime() || b.name.localeCompare(a.name));
    const newestGood = list.find(isGoodCopy);
    list.forEach((b, i) => {
      const ageMs = now - b.created.getTime();
      const reason =
        rule.keep !== undefined && i < rule.keep
          ? `one of the newest ${rule.keep}`
          : rule.keepDays !== undefined && ageMs <= rule.keepDays * DAY_MS
            ? `taken in the last ${rule.keepDays} day${rule.keepDays === 1 ? '' : 's'}`
            : b === newestGood
              ? 'the newest good copy (always kept)'
              : undefined;
      items.push({ backup: b, group, action: reason ? 'keep' : 'delete', reason: reason ?? whyDelete });
    });
  }
  return { destination, rule, items };
}

export const deletions = (plan: RetentionPlan): RetentionItem[] => plan.items.filter((i) => i.action === 'delete');

/** How a destination deletes one backup: its sidecar, then everything else it is made of. */
export interface BackupDeleter {
  deleteSidecar(b: RemoteBackup): Promise<void>;
  deleteBackup(b: RemoteBackup): Promise<void>;
}

export interface RetentionResult {
  deleted: RemoteBackup[];
}

/**
 * Deletes what the plan says, one backup at a time, sidecar first. Cancel stops before the next backup (one whose
 * sidecar is gone is finished first: it is not left half deleted when that can be helped).
 */
export async function applyRetention(
  plan: RetentionPlan,
  store: BackupDeleter,
  opts: { signal?: AbortSignal; progress?: (done: number, total: number, b: RemoteBackup) => void } = {},
): Promise<RetentionResult> {
  const todo = deletions(plan);
  const deleted: RemoteBackup[] = [];
  for (const { backup } of todo) {
    if (opts.signal?.aborted) throw new CancelledError('Pruning');
    await store.deleteSidecar(backup);
    await store.deleteBackup(backup);
    deleted.push(backup);
    opts.progress?.(deleted.length, todo.length, backup);
  }
  return { deleted };
}
