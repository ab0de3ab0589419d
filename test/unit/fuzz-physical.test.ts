/**
 * Fuzzing the base-backup and WAL-archive readers with damaged real files from PostgreSQL 15 (pg_basebackup's
 * backup_label and backup_manifest — its file list cut to eight entries, the server's backup history file) and
 * a real WAL archive listing. Every case must come back or be refused with a PgBackupError.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupHistoryFileName, parseBackupLabel } from '../../src/core/physical/backup-label';
import { parseManifest } from '../../src/core/physical/manifest';
import { findGaps, walArchiveOf } from '../../src/core/physical/wal-archive';
import { DEFAULT_SEGMENT_SIZE } from '../../src/core/physical/wal-names';
import { fuzz } from './fuzz-mutator';

const FIXTURES = join(__dirname, '..', 'fixtures', 'physical');
const CASES = 100_000;
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** What wal-window does with a label: read it, and name the backup history file it points at. */
function readLabel(bytes: Buffer): void {
  const label = parseBackupLabel(bytes.toString('utf8'));
  if (!label.startWalFile || !label.startLsn) return;
  backupHistoryFileName(label.startWalFile, label.startLsn, DEFAULT_SEGMENT_SIZE);
}

/** A WAL archive folder after a timeline switch: segments, a partial, compressed ones, history and backup files. */
const LISTING = [
  '000000010000000000000001',
  '000000010000000000000002',
  '000000010000000000000002.00000028.backup',
  '000000010000000000000003.gz',
  '000000010000000000000004.partial',
  '00000002.history',
  '000000020000000000000004',
  '000000020000000000000005.zst',
].join('\n');

describe('fuzzing the base backup and WAL archive readers', function () {
  this.timeout(120_000); // each reader takes a few seconds; the margin is for a machine shared with other work

  it('the intact files are read', () => {
    const label = parseBackupLabel(fixture('backup_label').toString('utf8'));
    assert.equal(label.startLsn, '0/2000028');
    const history = '000000010000000000000002.00000028.backup';
    assert.equal(backupHistoryFileName(label.startWalFile!, label.startLsn!, DEFAULT_SEGMENT_SIZE), history);
    assert.equal(parseBackupLabel(fixture(history).toString('utf8')).stopLsn, '0/2000100');
    const ranges = parseManifest(fixture('backup_manifest').toString('utf8')).walRanges;
    assert.deepEqual(ranges, [{ timeline: 1, startLsn: '0/2000028', endLsn: '0/2000100' }]);
    const archive = walArchiveOf('/archive', LISTING.split('\n'), DEFAULT_SEGMENT_SIZE);
    assert.equal(archive.segments.length, 5);
    assert.deepEqual(archive.historyTimelines, [2]);
  });

  it(`backup_label: ${CASES} damaged copies`, async () => {
    await fuzz('backup_label', fixture('backup_label'), CASES, 11, readLabel);
  });

  it(`backup history file: ${CASES} damaged copies`, async () => {
    await fuzz('backup history file', fixture('000000010000000000000002.00000028.backup'), CASES, 12, readLabel);
  });

  it('backup_manifest: valid JSON of the wrong shape is refused or read, never a TypeError', () => {
    const v1 = '"PostgreSQL-Backup-Manifest-Version":1';
    const shapes = ['null', '7', '"x"', '[]', `{${v1},"Files":[null,3,{"Size":"9"}]}`];
    shapes.push(`{${v1},"Files":[],"WAL-Ranges":5}`, `{${v1},"Files":[],"WAL-Ranges":[null]}`);
    for (const text of shapes) {
      try {
        parseManifest(text);
      } catch (e) {
        assert.equal((e as { kind?: string }).kind, 'input', `${text}: ${(e as Error).stack}`);
      }
    }
  });

  it(`backup_manifest: ${CASES} damaged copies`, async () => {
    const read = (b: Buffer) => parseManifest(b.toString('utf8'));
    const stats = await fuzz('backup_manifest', fixture('backup_manifest'), CASES, 13, read);
    assert.ok(stats.refused > CASES / 2, 'most damage is caught');
  });

  it(`WAL archive listing: ${CASES} damaged copies`, async () => {
    await fuzz('WAL archive listing', Buffer.from(LISTING), CASES, 14, (b) => {
      const archive = walArchiveOf('/archive', b.toString('latin1').split('\n'), DEFAULT_SEGMENT_SIZE);
      for (const t of archive.timelines) findGaps(archive, t.timeline);
    });
  });
});
