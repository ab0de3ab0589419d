import type { BucketProtection, RemoteBackup } from '../../core/offsite/types';
import { bucketProtection, listRemote } from './core';
import type { OffsiteDestination } from './destinations';
import type { OffsiteKeys } from './keys';
import { offsiteTarget } from './target';

/** What the Backups view shows of a destination: its backups, and its bucket's protection (none for a folder). */
export interface DestinationListing {
  backups: RemoteBackup[];
  protection?: BucketProtection;
}

export async function listDestination(keys: OffsiteKeys, d: OffsiteDestination): Promise<DestinationListing> {
  const target = await offsiteTarget(keys, d);
  const [backups, protection] = await Promise.all([listRemote(target), bucketProtection(target)]);
  return { backups, protection };
}
