/** Backups-view entries for unit tests that need no files: a custom-format dump under /b unless `more` says else. */
import type { BackupEntry } from '../../src/core/backups/catalog';

export const ENTRY_TIME = new Date('2030-01-01T00:00:00Z');

export const backupEntry = (name: string, more: Partial<BackupEntry> = {}): BackupEntry => ({
  path: `/b/${name}`,
  name,
  folder: '/b',
  kind: 'dump',
  format: 'custom',
  sizeBytes: 1,
  modified: ENTRY_TIME,
  created: ENTRY_TIME,
  checksum: 'none',
  ...more,
});
