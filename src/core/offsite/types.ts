/**
 * Off-site copies: a backup (dump or base backup) and its sidecar copied to a folder or an S3-compatible bucket,
 * verified by sha256, listed, pruned, and fetched back for inspect, verify, drill and restore.
 */
import type { DetectedFormat } from '../archive/detect';
import type { BackupFacts, BackupKind } from '../backups/catalog';
import type { BackupChecksum } from '../dump/checksum';
import type { DumpSidecar } from '../dump/sidecar';

/** Where copies go. Parsed from a folder path or `s3://bucket/prefix` plus flags/settings. */
export type DestinationSpec =
  | { kind: 'folder'; path: string }
  | {
      kind: 's3';
      bucket: string;
      /** The key prefix, without leading or trailing "/" ("" for the bucket's root). */
      prefix: string;
      endpoint?: string;
      region?: string;
      pathStyle?: boolean;
      /** A shared-config profile (AWS_PROFILE otherwise). */
      profile?: string;
    };

/** Keys given explicitly (the extension's SecretStorage). Absent: the AWS SDK's default credential chain. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A backup found at a destination, with the same facts as a local one (from its sidecar object). */
export interface RemoteBackup extends BackupFacts {
  /** The destination as the user names it: a folder path or `s3://bucket/prefix`. */
  destination: string;
  /** `s3://bucket/prefix/name` or the copy's path: what inspect, verify and restore accept. */
  location: string;
  format?: DetectedFormat;
  /** A base backup's copy sidecar object. */
  baseSidecar?: BaseBackupSidecar;
  sha256?: BackupChecksum;
}

/**
 * A base backup's sidecar, written by its first copy (pg_basebackup leaves none): the facts the Backups view shows
 * and a sha256 per file. Kept next to the local folder (`<folder>.pgbackup.json`, with its `copies`) and copied
 * with it.
 */
export interface BaseBackupSidecar {
  tool: 'pg-backup';
  kind: 'basebackup';
  format: 'plain' | 'tar';
  /** PG_VERSION, e.g. "15". */
  serverVersion?: string;
  /** backup_label's start time (ISO 8601), else the folder's mtime. */
  started: string;
  /** backup_label's label. */
  label?: string;
  startLsn?: string;
  timeline?: number;
  bytes: number;
  sha256: { files: Record<string, string> };
  copies?: CopyRecord[];
}

/** What a backup's sidecar object at a destination is: a dump's (DumpSidecar) or a base backup's. */
export type OffsiteSidecar = DumpSidecar | BaseBackupSidecar;

export const isBaseSidecar = (s: OffsiteSidecar): s is BaseBackupSidecar => 'kind' in s && s.kind === 'basebackup';

/** Percent of the bytes moved, for a progress notification or line. */
export type CopyProgress = (percent: number, bytes: number, totalBytes: number) => void;

/** What a copy did, honestly: bytes moved, whether the store checked our sha256, and the read-back verdict. */
export interface CopyResult {
  destination: string;
  location: string;
  bytes: number;
  durationMs: number;
  /** The store checked the SHA-256 we sent with each part/object (S3), or we re-read the copy (folder). */
  storeChecked: boolean;
  sha256: BackupChecksum;
  kind: BackupKind;
  /** How many files were sent (1 for a single-file dump). */
  files: number;
}

/** A read-back of a copy against its sidecar's sha256 ("Verify Off-site Copy"). */
export interface CopyCheck {
  location: string;
  ok: boolean;
  /** The sidecar's sha256, and what was read back (per file for a folder backup). */
  expected: BackupChecksum;
  actual: BackupChecksum;
  /** Files whose content differs ("" for a single-file dump), missing from the copy, or not in the sidecar. */
  changed: string[];
  missing: string[];
  added: string[];
  bytes: number;
  durationMs: number;
}

/** A local backup's record of its off-site copies (kept in its sidecar, `copies`). */
export interface CopyRecord {
  destination: string;
  location: string;
  /** ISO 8601. */
  copiedAt: string;
  /** The last read-back of the copy against the sidecar's sha256. */
  verified?: { at: string; ok: boolean };
}

/** Whether a bucket protects its objects against deletion (versioning, Object Lock). */
export interface BucketProtection {
  versioning: 'enabled' | 'suspended' | 'off' | 'unknown';
  objectLock: 'on' | 'off' | 'unknown';
  /** Plain words on what deleting the account or the bucket would take with it. */
  summary: string;
}
