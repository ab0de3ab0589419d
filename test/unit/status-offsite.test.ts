import assert from 'node:assert/strict';
import type { BackupEntry } from '../../src/core/backups/catalog';
import type { DumpSidecar } from '../../src/core/dump/sidecar';
import type { CopyRecord } from '../../src/core/offsite/types';
import { computeStatus, type DatabaseStatus } from '../../src/core/status/compute';
import { offsiteMissing, type OffsiteMeasure } from '../../src/core/status/offsite';
import { targetsFor } from '../../src/core/status/targets';
import { backupEntry, dumpSidecar } from '../support/backup-entry';

const H = 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const iso = (agoMs: number) => new Date(NOW - agoMs).toISOString();

function dump(name: string, agoMs: number, copies: CopyRecord[], more: Partial<DumpSidecar> = {}): BackupEntry {
  const created = new Date(NOW - agoMs);
  const sidecar = dumpSidecar('shop', created, { copies, ...more });
  return backupEntry(name, { modified: created, created, database: 'shop', checksum: 'recorded', sidecar });
}

const copy = (agoMs: number, verified?: boolean): CopyRecord => ({
  destination: 's3://off/site',
  location: 's3://off/site/x.dump',
  copiedAt: iso(agoMs),
  ...(verified === undefined ? {} : { verified: { at: iso(agoMs), ok: verified } }),
});

const row = (backups: BackupEntry[], rpo?: string) =>
  computeStatus({
    now: NOW,
    backups,
    drills: new Map(),
    servers: [],
    targets: (_s, db) => targetsFor(undefined, db, { rpo }),
  })[0] as DatabaseStatus & { offsite: OffsiteMeasure };

describe('status: off-site copies', () => {
  it('counts the newest good backup with a verified copy, aged by when the backup was taken', () => {
    const r = row([dump('new.dump', 1 * H, [copy(0.5 * H)]), dump('old.dump', 3 * H, [copy(2 * H, true)])], '6h');
    assert.equal(r.offsite.copy?.backup, '/b/old.dump', 'the unverified copy of the newer backup does not count');
    assert.equal(r.offsite.valueMs, 3 * H);
    assert.equal(r.offsite.verdict, 'green');
    assert.deepEqual(r.offsite.copy?.verified, { by: 'read-back', at: iso(2 * H) });
    assert.equal(offsiteMissing(r.offsite), false);
  });

  it('a copy older than the RPO target, a failed read-back, none at all: not safe off-site', () => {
    const old = row([dump('a.dump', 8 * H, [copy(7 * H, true)])], '6h');
    assert.deepEqual([old.offsite.verdict, old.offsite.note], ['red', 'off-site copy older than the RPO target']);
    assert.equal(offsiteMissing(old.offsite), true);
    const failed = row([dump('a.dump', 1 * H, [copy(0.5 * H, false)])], '6h');
    assert.deepEqual([failed.offsite.verdict, failed.offsite.note], ['never', 'no verified off-site copy']);
    assert.equal(offsiteMissing(failed.offsite), true);
    const none = row([dump('a.dump', 1 * H, [])]);
    assert.deepEqual([none.offsite.verdict, none.offsite.note], ['unset', 'no off-site copy']);
    assert.equal(offsiteMissing(none.offsite), true, 'without an RPO target a verified copy is still required');
  });

  it('a copy of a backup that is not good (its checksum check failed) does not count', () => {
    const bad = dump('a.dump', 1 * H, [copy(0.5 * H, true)], { verified: { at: iso(0), ok: false } });
    assert.equal(row([bad], '6h').offsite.copy, undefined);
  });
});
