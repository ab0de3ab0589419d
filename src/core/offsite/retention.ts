/**
 * Retention at a destination: keep the newest N and/or the last N days of backups, per server and database, and
 * never the newest good copy. The plan is pure (the clock comes in) and says for every backup whether it stays and
 * why; applying it deletes each backup's sidecar first, then its objects, so that a prune that fails half way leaves
 * a backup without a sidecar (listed with its problem, never as good), never one that looks good but is not whole.
 * Backups without a sidecar are never deleted: an unfinished copy and a file that is not ours look alike.
 *
 * Age is the backup's `created`: the sidecar's `started` (when the dump was taken), else when the copy was written.
 */
import { CancelledError, PgBackupError, type CleanupLog } from '../errors';
import { listRemoteBackups } from './list';
import { sidecarKey } from './remote-backup';
import type { S3Access } from './s3-client';
import { openStore, type OffsiteStore } from './store';
import type { DestinationSpec, RemoteBackup } from './types';

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
  const s = b.sidecar ?? b.baseSidecar;
  return !!s?.sha256 && !b.problem && b.sidecar?.verified?.ok !== false;
}

/** The set a backup is counted in, or why it is kept outside any. */
function groupOf(b: RemoteBackup): { group: string } | { kept: string } {
  if (!b.sidecar && !b.baseSidecar) return { kept: 'no sidecar (an unfinished copy, or not a pg-backup copy): kept' };
  if (b.kind === 'basebackup') return { group: `base backups of ${b.server ?? 'an unnamed server'}` };
  return b.database === undefined
    ? { kept: 'its database is not known: kept' }
    : { group: `${b.server ?? '(unknown server)'}/${b.database}` };
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
    if ('kept' in g) items.push({ backup: b, group: '(none)', action: 'keep', reason: g.kept });
    else if (groups.has(g.group)) groups.get(g.group)!.push(b);
    else groups.set(g.group, [b]);
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
  opts: {
    signal?: AbortSignal;
    progress?: (done: number, total: number, b: RemoteBackup) => void;
    /** Told what a failure left half deleted. */
    onCleanup?: CleanupLog;
  } = {},
): Promise<RetentionResult> {
  const todo = deletions(plan);
  const deleted: RemoteBackup[] = [];
  for (const { backup } of todo) {
    if (opts.signal?.aborted) throw new CancelledError('Pruning');
    await store.deleteSidecar(backup);
    await store.deleteBackup(backup).catch((e: unknown) => {
      opts.onCleanup?.(`left ${backup.location} without its sidecar (prune keeps such copies): delete it by hand`);
      throw e;
    });
    deleted.push(backup);
    opts.progress?.(deleted.length, todo.length, backup);
  }
  return { deleted };
}

/** A store's deleter: the sidecar object, then the backup's object (or every object under its folder). */
export function storeDeleter(store: OffsiteStore, signal?: AbortSignal): BackupDeleter {
  return {
    deleteSidecar: (b) => store.remove([sidecarKey(b.name)], signal),
    async deleteBackup(b) {
      const single = b.kind === 'dump' && b.format !== undefined && b.format !== 'directory';
      const under = single ? [] : (await store.listUnder(b.name, signal)).map((o) => o.key);
      await store.remove(under.length ? under : [b.name], signal);
    },
  };
}

export interface PruneRequest {
  destination: DestinationSpec;
  rule: RetentionRule;
  /** Plan only: list what would go and why, delete nothing. */
  dryRun?: boolean;
  access?: S3Access;
  signal?: AbortSignal;
  /** The clock (tests fix it). */
  now?: number;
  progress?: (done: number, total: number, b: RemoteBackup) => void;
  onCleanup?: CleanupLog;
}

export interface PruneResult extends RetentionResult {
  plan: RetentionPlan;
}

/** `pg-backup prune`: lists the destination, plans, and (unless a dry run) deletes. */
export async function pruneDestination(r: PruneRequest): Promise<PruneResult> {
  checkRule(r.rule);
  const backups = await listRemoteBackups({ destination: r.destination, access: r.access, signal: r.signal });
  const store = await openStore(r.destination, r.access);
  try {
    const plan = planRetention(store.destination, backups, r.rule, r.now ?? Date.now());
    if (r.dryRun) return { plan, deleted: [] };
    return {
      plan,
      ...(await applyRetention(plan, storeDeleter(store), {
        signal: r.signal,
        progress: r.progress,
        onCleanup: r.onCleanup,
      })),
    };
  } finally {
    store.close();
  }
}
