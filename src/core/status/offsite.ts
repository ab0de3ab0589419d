/**
 * Off-site in the RPO/RTO status: a database is safe off-site only when a verified copy of a recent good backup
 * exists elsewhere. Verified: the copy's last read-back matched the sidecar's sha256 (the copy record does not say
 * whether the store checked the upload). Recent: within the database's RPO target. The facts are the copies each local
 * backup's sidecar records (`copies`, written by `pg-backup copy`); no destination is asked. Pure.
 */
import type { BackupEntry } from '../backups/catalog';
import type { CopyRecord } from '../offsite/types';
import type { Measure } from './compute';
import { isOutside, verdictOf } from './verdict';

export interface OffsiteCopyRef {
  /** The local backup the copy is of. */
  backup: string;
  /** ISO 8601: when that backup was taken. */
  created: string;
  destination: string;
  location: string;
  /** ISO 8601. */
  copiedAt: string;
  /**
   * How it was verified: its last read-back (`pg-backup copy --verify-only`, Verify Off-site Copy). A copy record
   * does not say whether the store checked the upload's sha256, so only a read-back counts.
   */
  verified: { by: 'read-back'; at: string };
}

/** The age of the newest verified off-site copy's backup against the RPO target. */
export interface OffsiteMeasure extends Measure {
  copy?: OffsiteCopyRef;
}

/** The copies a local backup's sidecar records. */
export const copiesOf = (e: BackupEntry): readonly CopyRecord[] => e.sidecar?.copies ?? [];

/** How a copy was verified; undefined when it was not (or its last read-back failed). */
function verification(c: CopyRecord): OffsiteCopyRef['verified'] | undefined {
  return c.verified?.ok ? { by: 'read-back', at: c.verified.at } : undefined;
}

/** The off-site measure of a database from its good dumps (newest first): the newest one with a verified copy. */
export function offsiteOf(good: readonly BackupEntry[], now: number, rpoMs: number | undefined): OffsiteMeasure {
  const basis = 'newest verified off-site copy';
  let unverified = false;
  for (const e of good) {
    for (const c of [...copiesOf(e)].sort((a, b) => b.copiedAt.localeCompare(a.copiedAt))) {
      const verified = verification(c);
      if (!verified) {
        unverified = true;
        continue;
      }
      const valueMs = now - e.created.getTime();
      return {
        targetMs: rpoMs,
        valueMs,
        verdict: verdictOf(valueMs, rpoMs),
        basis,
        ...(rpoMs !== undefined && valueMs > rpoMs ? { note: 'off-site copy older than the RPO target' } : {}),
        copy: {
          backup: e.path,
          created: e.created.toISOString(),
          destination: c.destination,
          location: c.location,
          copiedAt: c.copiedAt,
          verified,
        },
      };
    }
  }
  return {
    targetMs: rpoMs,
    verdict: verdictOf(undefined, rpoMs),
    basis,
    note: unverified ? 'no verified off-site copy' : 'no off-site copy',
  };
}

/** Whether the database is not safe off-site: no verified copy, or the newest is outside the RPO target. */
export const offsiteMissing = (m: OffsiteMeasure): boolean => !m.copy || isOutside(m.verdict);
