/**
 * The extension's one way into the off-site core (src/core/offsite/): each call takes a destination from the
 * settings with its keys (OffsiteTarget) and the command's progress notification. No S3 client here.
 */
import { PgBackupError } from '../../core/errors';
import type { BucketProtection, CopyResult, RemoteBackup } from '../../core/offsite/types';
import type { ProgressSink } from '../ui/progress';
import type { OffsiteTarget } from './target';

/** A remote backup downloaded into a private temporary folder (sha256 checked); `remove` deletes the folder. */
export interface FetchedBackup {
  path: string;
  remove(): Promise<void>;
}

export interface ReadBack {
  ok: boolean;
  expected: string;
  actual: string;
}

const notYet = (what: string) => new PgBackupError(`${what}: the off-site core is not merged yet.`, 'tool-missing');

export async function listRemote(t: OffsiteTarget, signal?: AbortSignal): Promise<RemoteBackup[]> {
  void t;
  void signal;
  throw notYet('Listing');
}

export async function bucketProtection(t: OffsiteTarget): Promise<BucketProtection | undefined> {
  void t;
  return undefined;
}

export async function copyToTarget(path: string, t: OffsiteTarget, p?: ProgressSink): Promise<CopyResult> {
  void path;
  void t;
  void p;
  throw notYet('Copying');
}

export async function readBackCopy(
  location: string,
  t: OffsiteTarget,
  p?: ProgressSink,
  localPath?: string,
): Promise<ReadBack> {
  void localPath;
  void location;
  void t;
  void p;
  throw notYet('Verifying');
}

export async function fetchRemote(location: string, t: OffsiteTarget, p?: ProgressSink): Promise<FetchedBackup> {
  void location;
  void t;
  void p;
  throw notYet('Fetching');
}

/** Which copies a retention rule keeps and deletes (s3ops' plan, never the newest good copy). */
export interface PrunePlan {
  destination: string;
  items: { backup: RemoteBackup; action: 'keep' | 'delete'; reason: string }[];
}

export async function planPrune(t: OffsiteTarget, rule: { keep?: number; keepDays?: number }): Promise<PrunePlan> {
  void t;
  void rule;
  throw notYet('Pruning');
}

export async function applyPrune(plan: PrunePlan, t: OffsiteTarget, p?: ProgressSink): Promise<RemoteBackup[]> {
  void plan;
  void t;
  void p;
  throw notYet('Pruning');
}
