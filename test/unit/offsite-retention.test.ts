import assert from 'node:assert/strict';
import type { DumpSidecar } from '../../src/core/dump/sidecar';
import { PgBackupError } from '../../src/core/errors';
import { applyRetention, deletions, planRetention, type RetentionPlan } from '../../src/core/offsite/retention';
import type { RemoteBackup } from '../../src/core/offsite/types';
import { dumpSidecar } from '../support/backup-entry';

const D = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

function remote(name: string, daysAgo: number, more: Partial<RemoteBackup> = {}, side: Partial<DumpSidecar> = {}) {
  const created = new Date(NOW - daysAgo * D);
  const database = more.database ?? 'shop';
  const sidecar = dumpSidecar(database, created, side);
  const b: RemoteBackup = {
    destination: 's3://b/p',
    name,
    location: `s3://b/p/${name}`,
    kind: 'dump',
    format: 'custom',
    sizeBytes: 1,
    modified: new Date(NOW),
    created,
    database,
    server: 'db1:5432',
    sidecar,
    sha256: sidecar.sha256,
    ...more,
  };
  return b;
}

const kept = (plan: RetentionPlan) => plan.items.filter((i) => i.action === 'keep').map((i) => i.backup.name);
const gone = (plan: RetentionPlan) => deletions(plan).map((i) => i.backup.name);

describe('off-site retention: the plan', () => {
  const five = [0, 1, 2, 3, 4].map((d) => remote(`shop-${d}.dump`, d));

  it('keeps the newest N of each database and says why each one goes', () => {
    const plan = planRetention('s3://b/p', [...five].reverse(), { keep: 2 }, NOW);
    assert.deepEqual(kept(plan), ['shop-0.dump', 'shop-1.dump']);
    assert.deepEqual(gone(plan), ['shop-2.dump', 'shop-3.dump', 'shop-4.dump']);
    assert.equal(plan.items[0].reason, 'one of the newest 2');
    assert.equal(deletions(plan)[0].reason, 'not one of the newest 2');
    assert.equal(plan.items[0].group, 'db1:5432/shop');
  });

  it('keeps the last N days by when the backup was taken (the sidecar’s started), not when it was copied', () => {
    const plan = planRetention('s3://b/p', five, { keepDays: 2 }, NOW);
    assert.deepEqual(kept(plan), ['shop-0.dump', 'shop-1.dump', 'shop-2.dump']);
    assert.equal(deletions(plan)[0].reason, 'older than 2 days');
  });

  it('with both, a backup stays when either keeps it', () => {
    const plan = planRetention('s3://b/p', five, { keep: 1, keepDays: 2 }, NOW);
    assert.deepEqual(gone(plan), ['shop-3.dump', 'shop-4.dump']);
    assert.equal(deletions(plan)[0].reason, 'not one of the newest 1, older than 2 days');
  });

  it('never deletes the newest good copy, even when the rule would; one without a sidecar is left alone', () => {
    const noSidecar = remote('shop-0.dump', 0, { sidecar: undefined, sha256: undefined });
    const failed = remote('shop-1.dump', 1, {}, { verified: { at: new Date(NOW).toISOString(), ok: false } });
    const problem = remote('shop-2.dump', 2, { problem: 'its sidecar is not JSON' });
    const good = remote('shop-3.dump', 3);
    const older = remote('shop-4.dump', 4);
    const plan = planRetention('s3://b/p', [noSidecar, failed, problem, good, older], { keep: 1 }, NOW);
    assert.deepEqual(kept(plan).sort(), ['shop-0.dump', 'shop-1.dump', 'shop-3.dump']);
    assert.equal(plan.items.find((i) => i.backup === good)?.reason, 'the newest good copy (always kept)');
    assert.match(plan.items.find((i) => i.backup === noSidecar)!.reason, /^no sidecar .*: kept$/);
    assert.equal(
      plan.items.find((i) => i.backup === failed)?.reason,
      'one of the newest 1',
      'counted, though not good',
    );
    assert.deepEqual(gone(plan), ['shop-2.dump', 'shop-4.dump']);
  });

  it('counts per server and database', () => {
    const other = [0, 1, 2].map((d) => remote(`crm-${d}.dump`, d, { database: 'crm' }));
    const elsewhere = [0, 1].map((d) => remote(`shop2-${d}.dump`, d, { server: 'db2:5432' }));
    const unknown = remote('mystery.dump', 30, { database: undefined, sidecar: undefined, sha256: undefined });
    const plan = planRetention('s3://b/p', [...five, ...other, ...elsewhere, unknown], { keep: 1 }, NOW);
    assert.deepEqual(kept(plan).sort(), ['crm-0.dump', 'mystery.dump', 'shop-0.dump', 'shop2-0.dump']);
    assert.match(plan.items.find((i) => i.backup === unknown)!.reason, /^no sidecar/);
  });

  it('refuses a rule that keeps nothing or is not a whole number (usage)', () => {
    const usage = (re: RegExp) => (e: unknown) =>
      e instanceof PgBackupError && e.kind === 'usage' && re.test(e.message);
    assert.throws(() => planRetention('d', five, {}, NOW), usage(/--keep N and\/or --keep-days N/));
    assert.throws(() => planRetention('d', five, { keep: 0 }, NOW), usage(/--keep must be/));
    assert.throws(() => planRetention('d', five, { keepDays: 1.5 }, NOW), usage(/--keep-days must be/));
  });
});

describe('off-site retention: applying the plan', () => {
  const plan = planRetention(
    's3://b/p',
    [0, 1, 2].map((d) => remote(`shop-${d}.dump`, d)),
    { keep: 1 },
    NOW,
  );

  it('deletes each backup’s sidecar before its objects, one backup after the other', async () => {
    const calls: string[] = [];
    const result = await applyRetention(plan, {
      deleteSidecar: async (b) => void calls.push(`sidecar ${b.name}`),
      deleteBackup: async (b) => void calls.push(`backup ${b.name}`),
    });
    assert.deepEqual(calls, ['sidecar shop-1.dump', 'backup shop-1.dump', 'sidecar shop-2.dump', 'backup shop-2.dump']);
    assert.deepEqual(
      result.deleted.map((b) => b.name),
      ['shop-1.dump', 'shop-2.dump'],
    );
  });

  it('a cancel stops before the next backup, never between a sidecar and its backup', async () => {
    const ac = new AbortController();
    const calls: string[] = [];
    await assert.rejects(
      applyRetention(
        plan,
        {
          deleteSidecar: async (b) => {
            calls.push(`sidecar ${b.name}`);
            ac.abort();
          },
          deleteBackup: async (b) => void calls.push(`backup ${b.name}`),
        },
        { signal: ac.signal },
      ),
      (e: unknown) => e instanceof PgBackupError && e.kind === 'cancelled',
    );
    assert.deepEqual(calls, ['sidecar shop-1.dump', 'backup shop-1.dump']);
  });
});
