/**
 * Off-site copies: a backup (dump or base backup) and its sidecar copied to a folder or an S3-compatible bucket,
 * verified by sha256, listed, pruned, and fetched back for inspect, verify, drill and restore.
 */
import type { DetectedFormat } from '../archive/detect';
import type { BackupKind } from '../backups/catalog';
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
export interface RemoteBackup {
  /** The destination as the user names it: a folder path or `s3://bucket/prefix`. */
  destination: string;
  /** The backup's name under the destination (an object key's last part, or a directory dump's folder). */
  name: string;
  /** `s3://bucket/prefix/name` or the copy's path: what inspect, verify and restore accept. */
  location: string;
  kind: BackupKind;
  format?: DetectedFormat;
  sizeBytes: number;
  /** When the copy was written (LastModified, or mtime). */
  modified: Date;
  /** When the backup was taken (sidecar), else `modified`. */
  created: Date;
  database?: string;
  server?: string;
  serverVersion?: string;
  sidecar?: DumpSidecar;
  sha256?: BackupChecksum;
  /** Why its sidecar could not be read (the copy is still listed). */
  problem?: string;
}

/** What a copy did, honestly: bytes moved, whether the store checked our sha256, and the read-back verdict. */
export interface CopyResult {
  destination: string;
  location: string;
  bytes: number;
  durationMs: number;
  /** The store checked the SHA-256 we sent with each part/object (S3), or we re-read the copy (folder). */
  storeChecked: boolean;
  sha256: BackupChecksum;
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
