/**
 * backup_manifest (PostgreSQL 13+): JSON with the format version, one entry per file and the WAL ranges the
 * backup needs. We read what the Backups tree and the window need, nothing else.
 */
import { PgBackupError } from '../errors';

export interface WalRange {
  timeline: number;
  startLsn: string;
  endLsn: string;
}

export interface BackupManifest {
  version: number;
  fileCount: number;
  totalBytes: number;
  walRanges: WalRange[];
}

interface RawManifest {
  'PostgreSQL-Backup-Manifest-Version'?: number;
  Files?: { Size?: number }[];
  'WAL-Ranges'?: { Timeline?: number; 'Start-LSN'?: string; 'End-LSN'?: string }[];
}

export function parseManifest(text: string): BackupManifest {
  let raw: RawManifest;
  try {
    raw = JSON.parse(text) as RawManifest;
  } catch (e) {
    throw new PgBackupError(`backup_manifest is not valid JSON: ${(e as Error).message}`, 'input');
  }
  const version = raw?.['PostgreSQL-Backup-Manifest-Version'];
  const ranges = raw?.['WAL-Ranges'] ?? [];
  if (typeof version !== 'number' || !Array.isArray(raw.Files) || !Array.isArray(ranges)) {
    const missing = 'lacks PostgreSQL-Backup-Manifest-Version, Files or WAL-Ranges';
    throw new PgBackupError(`backup_manifest ${missing}: not a PostgreSQL backup manifest.`, 'input');
  }
  return {
    version,
    fileCount: raw.Files.length,
    totalBytes: raw.Files.reduce((n, f) => n + (typeof f?.Size === 'number' ? f.Size : 0), 0),
    walRanges: ranges.map((r) => ({
      timeline: Number(r?.Timeline),
      startLsn: String(r?.['Start-LSN']),
      endLsn: String(r?.['End-LSN']),
    })),
  };
}
