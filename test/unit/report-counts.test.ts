/**
 * Inspect's "entries" and a restore drill's "checkable objects" are different counts of the same dump: both
 * reports say so in the same words, with the same numbers, and show times in this machine's zone.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { readArchive } from '../../src/core/archive/read-archive';
import { archiveReport } from '../../src/core/backups/inspect-report';
import { checkableCount, tocCountsSentence } from '../../src/core/backups/toc-counts';
import { drillReport } from '../../src/core/drill/drill-report';
import type { RestoreDrillResult } from '../../src/core/drill/restore-drill-result';
import type { DumpSidecar } from '../../src/core/dump/sidecar';
import { isLookedUp } from '../../src/core/restore/existing';

const FIXTURE = join(__dirname, '..', 'fixtures', 'archive', 'pg15-custom-gzip.dump');

describe('inspect and drill reports: counts and times', () => {
  it('counts checkable objects as the drill looks them up, fewer than the TOC entries', async () => {
    const a = await readArchive(FIXTURE);
    const checkable = checkableCount(a.toc);
    assert.equal(checkable, a.toc.entries().filter(isLookedUp).length);
    assert.ok(checkable > 0 && checkable < a.toc.count, `${checkable} of ${a.toc.count}`);
  });

  it('explains both counts in the inspect report, and dates it from the sidecar in local time', async () => {
    const a = await readArchive(FIXTURE);
    const started = '2030-01-02T03:04:05.000Z';
    const sidecar = { started, options: { format: 'custom' }, durationMs: 1, sha256: 'a'.repeat(64) } as DumpSidecar;
    const report = archiveReport(a, sidecar, 1000);
    const sentence = tocCountsSentence(a.toc.count, checkableCount(a.toc));
    assert.ok(report.includes(sentence), report);
    assert.ok(report.includes(`| Entries | ${a.toc.count} (${checkableCount(a.toc)} checkable objects, see below) |`));
    assert.ok(report.includes(`| Dumped at | ${new Date(started).toLocaleString()} |`), 'local time of the sidecar');
  });

  it('explains the same counts in the drill report, with a local start time', async () => {
    const a = await readArchive(FIXTURE);
    const expected = checkableCount(a.toc);
    const r: RestoreDrillResult = {
      backup: { path: FIXTURE, name: 'shop.dump', format: 'custom' },
      passed: true,
      problems: [],
      warnings: [],
      startedAt: '2030-01-02T03:04:05.000Z',
      durationMs: 1000,
      phases: {},
      checksum: 'none',
      where: { kind: 'throwaway-cluster', major: 15, version: '15.18', database: 'shop' },
      tools: { restore: { name: 'pg_restore', version: '15.18' } },
      restore: { errorCount: 0, warningCount: 0, errors: [] },
      objects: { expected, tocEntries: a.toc.count, missing: [], counts: { TABLE: 2 } },
      tables: [],
      totalRows: 0,
    } as unknown as RestoreDrillResult;
    const report = drillReport(r);
    assert.ok(report.includes(`${expected} of ${expected} checkable objects`), report);
    assert.ok(report.includes(tocCountsSentence(a.toc.count, expected)), 'the sentence Inspect uses');
    assert.ok(report.includes(`- Started: ${new Date(r.startedAt).toLocaleString()}`), 'local start time');
  });
});
