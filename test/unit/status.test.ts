import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBackups, type BackupEntry } from '../../src/core/backups/catalog';
import type { LastDrill } from '../../src/core/drill/drill-log';
import { PgBackupError } from '../../src/core/errors';
import type { JobStatus } from '../../src/core/schedule/status-file';
import { computeStatus, isGoodBackup, type ServerFacts, type StatusInputs } from '../../src/core/status/compute';
import { formatSpan, parseDuration } from '../../src/core/status/duration';
import { readStatus } from '../../src/core/status/read-status';
import { targetsFor, targetSettingsOf } from '../../src/core/status/targets';
import { verdictOf, worstVerdict } from '../../src/core/status/verdict';
import { backupEntry, dumpSidecar } from '../support/backup-entry';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const at = (agoMs: number) => new Date(NOW - agoMs);

function dump(name: string, database: string, agoMs: number, extra: Partial<BackupEntry['sidecar']> = {}): BackupEntry {
  const created = at(agoMs);
  return backupEntry(name, {
    modified: created,
    created,
    database,
    checksum: 'recorded',
    sidecar: dumpSidecar(database, created, { server: undefined, ...extra }),
  });
}

const drill = (agoMs: number, passed: boolean, durationMs: number, more: Partial<LastDrill> = {}): LastDrill => ({
  passed,
  startedAt: at(agoMs).toISOString(),
  durationMs,
  where: 'throwaway-cluster',
  checksum: 'verified',
  ...more,
});

function status(p: Partial<StatusInputs> & Pick<StatusInputs, 'backups'>, rpo?: string, rto?: string) {
  return computeStatus({
    now: NOW,
    drills: new Map(),
    servers: [],
    targets: (_s, db) => targetsFor(undefined, db, { rpo, rto }),
    ...p,
  });
}

describe('RPO/RTO durations', () => {
  it('parses s, m, h, d, w and combinations to milliseconds', () => {
    assert.equal(parseDuration('15m'), 15 * 60_000);
    assert.equal(parseDuration('24h'), D);
    assert.equal(parseDuration('7d'), 7 * D);
    assert.equal(parseDuration('2w'), 14 * D);
    assert.equal(parseDuration('1h30m'), 1.5 * H);
    assert.equal(parseDuration(' 1.5h '), 1.5 * H);
    assert.equal(parseDuration('45s'), 45_000);
    assert.equal(parseDuration('0.25s'), 250);
    assert.equal(parseDuration('1d 2h'), 26 * H);
  });

  it('refuses what is not a duration, with one line naming the value and a hint', () => {
    for (const bad of ['', '15', 'm', '15 m', '15M', '-5m', '5x', '1h  30m', '0s', '0.0001s']) {
      assert.throws(
        () => parseDuration(bad, '--rpo'),
        (e: unknown) =>
          e instanceof PgBackupError &&
          e.kind === 'input' &&
          e.message.startsWith(`Invalid --rpo "${bad}"`) &&
          !!e.hint,
        bad,
      );
    }
  });

  it('formats the two largest units, and reads its own output back', () => {
    assert.equal(formatSpan(0), '0s');
    assert.equal(formatSpan(45_000), '45s');
    assert.equal(formatSpan(15 * 60_000), '15m');
    assert.equal(formatSpan(D + 2 * H + 5 * 60_000), '1d 2h');
    assert.equal(formatSpan(7 * D), '7d');
    assert.equal(formatSpan(H + 30_000), '1h');
    for (const t of ['15m', '1d 2h', '3h 4m', '10d']) assert.equal(formatSpan(parseDuration(t)), t);
  });
});

describe('RPO/RTO verdicts', () => {
  it('is green under 80 % of the target, amber from 80 % up to it, red past it, never without a measure', () => {
    assert.equal(verdictOf(79.9, 100), 'green');
    assert.equal(verdictOf(80, 100), 'amber');
    assert.equal(verdictOf(100, 100), 'amber');
    assert.equal(verdictOf(100.1, 100), 'red');
    assert.equal(verdictOf(undefined, 100), 'never');
    assert.equal(verdictOf(5, undefined), 'unset');
    assert.equal(worstVerdict(['green', 'amber', 'unset']), 'amber');
    assert.equal(worstVerdict(['red', 'never', 'green']), 'never');
    assert.equal(worstVerdict([]), 'unset');
  });

  it('takes --rpo/--rto first, then the database, then the connection; bad settings name where they are', () => {
    const settings = targetSettingsOf({ host: 'h', rpo: '24h', rto: '1h', databases: { shop: { rpo: '15m' } } });
    assert.deepEqual(targetsFor(settings, 'shop'), { rpoMs: 15 * 60_000, rtoMs: H });
    assert.deepEqual(targetsFor(settings, 'crm'), { rpoMs: D, rtoMs: H });
    assert.deepEqual(targetsFor(settings, 'shop', { rpo: '2h' }), { rpoMs: 2 * H, rtoMs: H });
    assert.deepEqual(targetsFor(targetSettingsOf(undefined), 'x'), { rpoMs: undefined, rtoMs: undefined });
    const bad = targetSettingsOf({ databases: { shop: { rto: 'soon' } } });
    assert.throws(() => targetsFor(bad, 'shop'), /^PgBackupError: Invalid rto "soon" for database "shop"\.$/);
  });

  it('RPO: the age of the newest good backup against the target, amber at 80 %', () => {
    const backups = [dump('a.dump', 'a', 10 * H), dump('b.dump', 'b', 20 * H), dump('c.dump', 'c', 30 * H)];
    const rows = status({ backups }, '24h');
    assert.deepEqual(
      rows.map((r) => [r.database, r.rpo.verdict, r.rpo.valueMs]),
      [
        ['a', 'green', 10 * H],
        ['b', 'amber', 20 * H],
        ['c', 'red', 30 * H],
      ],
    );
    assert.deepEqual(status({ backups: [] }, '24h'), []);
  });

  it('a backup whose last verify found a mismatch or whose last drill failed is not good; an older one counts', () => {
    const corrupted = dump('shop-new.dump', 'shop', H, { verified: { at: at(0.5 * H).toISOString(), ok: false } });
    const failedDrill = dump('shop-mid.dump', 'shop', 2 * H);
    const mismatchInDrill = dump('shop-mid2.dump', 'shop', 3 * H);
    const good = dump('shop-old.dump', 'shop', 5 * H);
    const drills = new Map([
      [failedDrill.path, drill(1.5 * H, false, 1000)],
      [mismatchInDrill.path, drill(2.5 * H, true, 1000, { checksum: 'mismatch' })],
    ]);
    assert.equal(isGoodBackup(corrupted, undefined), false);
    assert.equal(isGoodBackup(failedDrill, drills.get(failedDrill.path)), false);
    assert.equal(isGoodBackup(mismatchInDrill, drills.get(mismatchInDrill.path)), false);
    const [row] = status({ backups: [corrupted, failedDrill, mismatchInDrill, good], drills }, '4h');
    assert.equal(row.newestGood?.name, 'shop-old.dump');
    assert.equal(row.rejected, 3);
    assert.equal(row.rpo.verdict, 'red');
    // Re-verified since and matching: it counts again.
    const fixed = dump('shop-new.dump', 'shop', H, { verified: { at: at(0.1 * H).toISOString(), ok: true } });
    assert.equal(status({ backups: [fixed, good] }, '4h')[0].newestGood?.checksum, 'verified');
    assert.equal(status({ backups: [fixed, good] }, '4h')[0].rpo.verdict, 'green');
    // No sidecar (no sha256 recorded): never good.
    assert.equal(isGoodBackup({ ...good, checksum: 'none', sidecar: undefined }, undefined), false);
  });

  it('RTO: the newest successful drill against the target; never proven; red when the restore is too slow', () => {
    const b1 = dump('shop-1.dump', 'shop', 2 * H);
    const b2 = dump('shop-2.dump', 'shop', 3 * H);
    const newestFailed = new Map([
      [b1.path, drill(H, false, 10)],
      [b2.path, drill(2 * H, true, 50 * 60_000)],
    ]);
    const [row] = status({ backups: [b1, b2], drills: newestFailed }, undefined, '1h');
    assert.equal(row.drill?.passed, false);
    assert.equal(row.proof?.path, b2.path);
    assert.deepEqual([row.rto.verdict, row.rto.valueMs], ['amber', 50 * 60_000]);
    const slow = status({ backups: [b1], drills: new Map([[b1.path, drill(H, true, 2 * H)]]) }, '1d', '1h');
    assert.equal(slow[0].rto.verdict, 'red');
    const never = status({ backups: [b1] }, '1d', '1h')[0];
    assert.deepEqual([never.rto.verdict, never.rto.note], ['never', 'never proven']);
  });

  it('RTO: a proof older than the newest backup by more than a week is "proof is old" and at best amber', () => {
    const fresh = dump('shop-new.dump', 'shop', H);
    const old = dump('shop-old.dump', 'shop', 10 * D);
    const row = (drilledAgo: number) =>
      status({ backups: [fresh, old], drills: new Map([[old.path, drill(drilledAgo, true, 60_000)]]) }, '1d', '1h')[0];
    assert.deepEqual([row(8 * D).rto.verdict, row(8 * D).rto.note], ['amber', 'proof is old']);
    assert.deepEqual([row(6 * D).rto.verdict, row(6 * D).rto.note], ['green', undefined]);
  });

  it('keeps two servers apart, and gives a server its databases without a backup', () => {
    const a = dump('shop-a.dump', 'shop', H, { server: 'a:5432' });
    const b = dump('shop-b.dump', 'shop', 30 * H, { server: 'b:5432' });
    const server: ServerFacts = { label: 'a', address: 'a:5432', databases: ['shop', 'empty'] };
    const rows = status({ backups: [a, b], servers: [server] }, '1d');
    assert.deepEqual(
      rows.map((r) => [r.server, r.connection, r.database, r.rpo.verdict, r.rpo.note]),
      [
        ['a:5432', 'a', 'empty', 'never', 'no backup'],
        ['a:5432', 'a', 'shop', 'green', undefined],
        ['b:5432', undefined, 'shop', 'red', undefined],
      ],
    );
  });

  it("a dump naming no server joins the only server asked about; a pruned backup's drill still proves the RTO", () => {
    const server: ServerFacts = { label: 'prod', address: 'a:5432', problem: 'Cannot reach PostgreSQL at a:5432.' };
    const drills = new Map([['/b/pruned.dump', drill(2 * H, true, 90_000, { database: 'shop' })]]);
    const rows = status({ backups: [dump('shop.dump', 'shop', H)], servers: [server], drills }, '1d', '1h');
    assert.deepEqual(
      rows.map((r) => [r.server, r.connection, r.database, r.proof?.path, r.rto.valueMs, r.rto.verdict]),
      [['a:5432', 'prod', 'shop', '/b/pruned.dump', 90_000, 'green']],
    );
    // Two servers asked about: a dump naming none is kept apart from both.
    const two = status({ backups: [dump('shop.dump', 'shop', H)], servers: [server, { ...server, address: 'b:1' }] });
    assert.deepEqual(
      two.map((r) => [r.server, r.database]),
      [[undefined, 'shop']],
    );
  });

  it('a scheduled job\'s failed last run: "scheduled job failed 2h ago: <reason>", also before any backup', () => {
    const job = (database: string, agoMs: number, exitCode: number, reason?: string): JobStatus => ({
      path: `/b/pg-backup-${database}.status.json`,
      job: `pg-backup-${database}`,
      database,
      server: 'a:5432',
      started: at(agoMs + 60_000).toISOString(),
      finished: at(agoMs).toISOString(),
      exitCode,
      ok: exitCode === 0,
      ...(reason ? { reason } : {}),
      output: [],
    });
    const backups = [dump('shop.dump', 'shop', 3 * H, { server: 'a:5432' })];
    const jobs = [
      job('shop', 5 * H, 0),
      job('shop', 2 * H, 1, 'the restore drill of /b/shop-2.dump failed: table public.orders is missing'),
      job('crm', H, 3),
    ];
    const rows = status({ backups, jobs });
    assert.deepEqual(
      rows.map((r) => [r.database, r.scheduledJob?.ok, r.scheduledJob?.failure]),
      [
        ['crm', false, 'scheduled job failed 1h ago: exit 3'],
        [
          'shop',
          false,
          'scheduled job failed 2h ago: the restore drill of /b/shop-2.dump failed: table public.orders is missing',
        ],
      ],
    );
    assert.equal(rows[1].rpo.valueMs, 3 * H, 'the job does not change what the backups measure');
    assert.equal(status({ backups }).at(0)?.scheduledJob, undefined);
  });

  it('where WAL archiving is set up, the last archived WAL is the RPO, with the base backup beside it', () => {
    const base: BackupEntry = { ...dump('base-1', '', 3 * D), kind: 'basebackup', database: undefined };
    const server: ServerFacts = {
      label: 'a',
      address: 'a:5432',
      databases: ['shop'],
      wal: {
        source: 'pg_stat_archiver',
        archiving: true,
        lastArchivedWal: '0000000100000000000000A1',
        lastArchivedAt: at(10 * 60_000).toISOString(),
      },
    };
    const backups = [dump('shop.dump', 'shop', 2 * D, { server: 'a:5432' }), base];
    const [row] = status({ backups, servers: [server] }, '15m');
    assert.deepEqual([row.rpo.basis, row.rpo.valueMs, row.rpo.verdict], ['last archived WAL', 10 * 60_000, 'green']);
    assert.equal(row.wal?.baseBackup?.ageMs, 3 * D);
    const servers = [{ ...server, wal: { source: 'pg_stat_archiver' as const, archiving: false } }];
    const off = status({ backups: [], servers }, '15m');
    assert.deepEqual([off[0].rpo.basis, off[0].rpo.verdict], ['newest good backup', 'never']);
  });
});

describe('readStatus over real folders', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pgb-status-'));
    mkdirSync(join(root, 'b', '.pgbackup'), { recursive: true });
    const sidecar = (name: string, agoMs: number, verified?: { at: string; ok: boolean }) => {
      writeFileSync(join(root, 'b', name), 'x');
      const { sidecar: s } = dump(name, 'shop', agoMs, verified ? { verified } : {});
      writeFileSync(join(root, 'b', `${name}.pgbackup.json`), JSON.stringify(s));
    };
    sidecar('shop-new.dump', H, { at: at(0.5 * H).toISOString(), ok: false });
    sidecar('shop-old.dump', 30 * H);
    const line = {
      backup: { path: join(root, 'b', 'shop-old.dump'), database: 'shop' },
      passed: true,
      startedAt: at(20 * H).toISOString(),
      durationMs: 4200,
      problems: [],
      checksum: 'verified',
      where: { kind: 'throwaway-cluster' },
    };
    writeFileSync(join(root, 'b', '.pgbackup', 'drills.jsonl'), JSON.stringify(line) + '\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('skips the corrupted newest dump, reads the drill log beside the backups, names a missing folder', async () => {
    const backupFolders = [join(root, 'b'), join(root, 'gone')];
    const override = { rpo: '1d', rto: '1m' };
    const r = await readStatus({ backupFolders, logFolders: [], servers: [], override, now: NOW });
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].newestGood?.name, 'shop-old.dump');
    assert.deepEqual([r.rows[0].rpo.verdict, r.rows[0].rto.verdict, r.rows[0].rto.valueMs], ['red', 'green', 4200]);
    assert.equal(r.worst, 'red');
    assert.deepEqual(r.problems, [`Cannot read backup folder ${join(root, 'gone')}: it does not exist.`]);
  });

  it('refuses a bad target before reading anything', async () => {
    const read = readStatus({ backupFolders: [], logFolders: [], servers: [], override: { rto: '1 hour' } });
    await assert.rejects(read, /Invalid --rto "1 hour"/);
  });
});

describe('the catalog reads sidecars in 16 KB reads', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-status-sidecar-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a sidecar of any length whole: under, exactly at and over one read', async () => {
    const sizes = [300, 16 << 10, 32 << 10, 100_000];
    const base = JSON.stringify({ ...dump('x', 'shop', H).sidecar, options: { format: 'custom', tables: [] } });
    for (const size of sizes) {
      writeFileSync(join(dir, `s${size}.dump`), 'x');
      const pad = 'p'.repeat(size - base.length - 2);
      const text = base.replace('"tables":[]', `"tables":["${pad}"]`);
      assert.equal(Buffer.byteLength(text), size);
      writeFileSync(join(dir, `s${size}.dump.pgbackup.json`), text);
    }
    const list = await listBackups([dir]);
    const lengths = list.map((e) => e.sidecar?.options.tables?.[0].length ?? -1).sort((a, b) => a - b);
    assert.equal(lengths.length, sizes.length);
    assert.ok(lengths.every((n) => n > 0));
    assert.equal(lengths.at(-1), 100_000 - base.length - 2);
  });
});
