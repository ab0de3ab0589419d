/** Backups-view entries for unit tests that need no files: a custom-format dump under /b unless `more` says else. */
import type { BackupEntry } from '../../src/core/backups/catalog';
import type { DumpSidecar } from '../../src/core/dump/sidecar';

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

/** A custom-format dump's sidecar, taken at `created`, with `more` over it. */
export const dumpSidecar = (database: string, created: Date, more: Partial<DumpSidecar> = {}): DumpSidecar => ({
  tool: 'pg-backup',
  format: 'custom',
  database,
  server: 'db1:5432',
  serverVersion: '15.1',
  pgDumpVersion: '15.1',
  options: { format: 'custom' },
  started: created.toISOString(),
  durationMs: 1,
  bytes: 1,
  sha256: 'a'.repeat(64),
  ...more,
});
