/**
 * The extension's one way into the off-site core (src/core/offsite/): each call takes a destination from the
 * settings with its keys (OffsiteTarget) and the command's progress notification. No S3 client here.
 */
import { formatBytes } from '../../core/format';
import { copyBackup } from '../../core/offsite/copy';
import { parseRemoteLocation } from '../../core/offsite/destination';
import { fetchRemoteBackup, type FetchedBackup } from '../../core/offsite/fetch';
import { listRemoteBackups } from '../../core/offsite/list';
import { readBucketProtection } from '../../core/offsite/protection';
import {
  applyRetention,
  pruneDestination,
  storeDeleter,
  type RetentionPlan,
  type RetentionRule,
} from '../../core/offsite/retention';
import { openStore } from '../../core/offsite/store';
import { createS3Client } from '../../core/offsite/s3-client';
import type { BucketProtection, CopyCheck, CopyProgress, CopyResult, RemoteBackup } from '../../core/offsite/types';
import { verifyCopy } from '../../core/offsite/verify-copy';
import type { ProgressSink } from '../ui/progress';
import type { OffsiteTarget } from './target';

/** The core's percent and bytes as the notification's percent and "3.1 MB of 12 MB". */
const progressOf = (p?: ProgressSink): CopyProgress | undefined =>
  p && ((percent, bytes, total) => p.report(percent, `${formatBytes(bytes)} of ${formatBytes(total)}`));

export function listRemote(t: OffsiteTarget, signal?: AbortSignal): Promise<RemoteBackup[]> {
  return listRemoteBackups({ destination: t.spec, access: t.access, signal, saveIndex: true });
}

/** A bucket's versioning and Object Lock; undefined for a folder. */
export async function bucketProtection(t: OffsiteTarget, signal?: AbortSignal): Promise<BucketProtection | undefined> {
  if (t.spec.kind !== 's3') return undefined;
  const client = await createS3Client(t.spec, t.access);
  try {
    return await readBucketProtection(client, t.spec, signal);
  } finally {
    client.destroy();
  }
}

export function copyToTarget(path: string, t: OffsiteTarget, p?: ProgressSink): Promise<CopyResult> {
  return copyBackup({
    backup: path,
    destination: t.spec,
    access: t.access,
    signal: p?.signal,
    onProgress: progressOf(p),
  });
}

/** Reads a copy back against its sidecar's sha256; `localPath`'s sidecar records the verdict. */
export function readBackCopy(
  location: string,
  t: OffsiteTarget,
  p?: ProgressSink,
  localPath?: string,
): Promise<CopyCheck> {
  const { name } = parseRemoteLocation(location, t.spec.kind === 's3' ? t.spec : {});
  return verifyCopy({
    destination: t.spec,
    name,
    access: t.access,
    signal: p?.signal,
    onProgress: progressOf(p),
    localBackup: localPath,
  });
}

export function fetchRemote(location: string, t: OffsiteTarget, p?: ProgressSink): Promise<FetchedBackup> {
  return fetchRemoteBackup({
    location,
    s3: t.spec.kind === 's3' ? t.spec : undefined,
    access: t.access,
    signal: p?.signal,
    onProgress: progressOf(p),
  });
}

export type PrunePlan = RetentionPlan;

/** The dry run: what the rule keeps and deletes, and why. */
export async function planPrune(t: OffsiteTarget, rule: RetentionRule, signal?: AbortSignal): Promise<PrunePlan> {
  return (await pruneDestination({ destination: t.spec, access: t.access, rule, dryRun: true, signal })).plan;
}

/** Deletes what `plan` deletes (the plan the user saw), one backup at a time, sidecar first. */
export async function applyPrune(plan: PrunePlan, t: OffsiteTarget, p?: ProgressSink): Promise<RemoteBackup[]> {
  const store = await openStore(t.spec, t.access);
  try {
    const progress = (done: number, total: number, b: RemoteBackup) => p?.report((100 * done) / total, b.name);
    return (await applyRetention(plan, storeDeleter(store, p?.signal), { signal: p?.signal, progress })).deleted;
  } finally {
    store.close();
  }
}
