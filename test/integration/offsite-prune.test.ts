import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../../src/core/dump/checksum';
import { parseDestination } from '../../src/core/offsite/destination';
import { copyBackup } from '../../src/core/offsite/copy';
import { listRemoteBackups } from '../../src/core/offsite/list';
import {
  applyRetention,
  deletions,
  planRetention,
  pruneDestination,
  storeDeleter,
} from '../../src/core/offsite/retention';
import { openStore } from '../../src/core/offsite/store';
import type { DestinationSpec } from '../../src/core/offsite/types';
import { destroyCluster, startCluster, type Cluster } from '../support/cluster';
import { S3_ACCESS_KEY, S3_SECRET_KEY, startS3Server, type S3TestServer } from '../support/s3-server';
import { workFolder } from '../support/work-folder';
import { buildCli, runCli } from './run-cli';

const D = 86_400_000;
const access = { credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY } };

/** Every file s3rver keeps for a bucket (its objects and their metadata), relative to the bucket. */
const stored = (s3: S3TestServer, bucket: string) =>
  readdirSync(join(s3.directory, bucket), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(join(s3.directory, bucket).length + 1))
    .filter((p) => !p.startsWith('._S3rver_uploads'));

/**
 * Backdating: a dump's age is its sidecar's `started` (when it was taken), which the copy carries with it; this
 * moves it back before the copy. s3rver's LastModified is its files' mtime, moved back for the object without one.
 */
function backdateSidecar(path: string, daysAgo: number): void {
  const sidecar = JSON.parse(readFileSync(`${path}.pgbackup.json`, 'utf8'));
  const when = new Date(Date.now() - daysAgo * D);
  writeFileSync(`${path}.pgbackup.json`, JSON.stringify({ ...sidecar, started: when.toISOString() }));
}

describe('off-site retention against real destinations (s3rver and a folder)', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let s3: S3TestServer;
  let root: string;
  /** shop dumps 0..3 days old (the 2-day one a directory dump) and one crm dump 10 days old. */
  const local: Record<string, string> = {};

  before(async () => {
    buildCli();
    root = workFolder('pgb-prune-');
    [cluster, s3] = await Promise.all([startCluster(), startS3Server({ buckets: ['backups', 'folderless'] })]);
    await cluster.psql('create database shop');
    await cluster.psql('create database crm');
    await cluster.psql('create table orders as select g as id from generate_series(1, 500) g', 'shop');
    await cluster.psql('create table people as select g as id from generate_series(1, 50) g', 'crm');
    const dump = async (db: string, name: string, format: string, daysAgo: number) => {
      const out = join(root, name);
      const r = await runCli(['dump', cluster.url(db), '--format', format, '--out', out, '--json']);
      assert.equal(r.code, 0, r.stderr);
      backdateSidecar(out, daysAgo);
      local[name] = out;
    };
    await dump('shop', 'shop-0.dump', 'custom', 0);
    await dump('shop', 'shop-1.dump', 'custom', 1);
    await dump('shop', 'shop-2', 'directory', 2);
    await dump('shop', 'shop-3.dump', 'custom', 3);
    await dump('crm', 'crm-10.dump', 'custom', 10);
  });
  after(async () => {
    await Promise.all([destroyCluster(cluster), s3?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  async function fill(destination: DestinationSpec): Promise<void> {
    for (const path of Object.values(local)) await copyBackup({ backup: path, destination, access });
  }

  const s3Dest = (prefix: string) =>
    parseDestination(`s3://backups/${prefix}`, { endpoint: s3.endpoint, pathStyle: true });
  const names = async (d: DestinationSpec) =>
    (await listRemoteBackups({ destination: d, access })).map((b) => b.name).sort();

  it('S3: a dry run lists what would go and why and deletes nothing; then --keep 2 deletes objects and sidecars', async () => {
    const d = s3Dest('keep');
    await fill(d);
    // An object without a sidecar (not ours, or an unfinished copy), 30 days old by s3rver's LastModified.
    const store = await openStore(d, access);
    await store.putFile('stray.dump', local['shop-0.dump'], { sha256: await sha256File(local['shop-0.dump']) });
    store.close();
    const strayFiles = stored(s3, 'backups').filter((p) => p.startsWith('keep/stray.dump'));
    assert.ok(strayFiles.length, 's3rver keeps the object as files');
    const old = new Date(Date.now() - 30 * D);
    for (const f of strayFiles) utimesSync(join(s3.directory, 'backups', f), old, old);
    const stray = (await listRemoteBackups({ destination: d, access })).find((b) => b.name === 'stray.dump')!;
    assert.ok(Math.abs(stray.modified.getTime() - old.getTime()) < 2000, 'LastModified is the backdated mtime');

    const before = stored(s3, 'backups');
    const dry = await pruneDestination({ destination: d, rule: { keep: 2 }, dryRun: true, access });
    assert.deepEqual(stored(s3, 'backups'), before, 'a dry run deletes nothing');
    assert.deepEqual(
      deletions(dry.plan).map((i) => [i.backup.name, i.reason]),
      [
        ['shop-2', 'not one of the newest 2'],
        ['shop-3.dump', 'not one of the newest 2'],
      ],
    );
    assert.match(dry.plan.items.find((i) => i.backup.name === 'stray.dump')!.reason, /^no sidecar/);

    const done = await pruneDestination({ destination: d, rule: { keep: 2 }, access });
    assert.deepEqual(done.deleted.map((b) => b.name).sort(), ['shop-2', 'shop-3.dump']);
    assert.deepEqual(await names(d), ['crm-10.dump', 'shop-0.dump', 'shop-1.dump', 'stray.dump']);
    const left = stored(s3, 'backups').filter((p) => p.startsWith('keep/'));
    assert.deepEqual(
      left.filter((p) => /shop-2|shop-3/.test(p)),
      [],
      'every object of the directory dump and both sidecars are gone',
    );
  });

  it('S3: --keep-days 2 by the sidecar’s started (all were copied just now); the newest good copy stays however old', async () => {
    const d = s3Dest('days');
    await fill(d);
    const r = await pruneDestination({ destination: d, rule: { keepDays: 2 }, access });
    // shop-2 was taken 2 days and a few seconds ago.
    assert.deepEqual(r.deleted.map((b) => b.name).sort(), ['shop-2', 'shop-3.dump']);
    const crm = r.plan.items.find((i) => i.backup.name === 'crm-10.dump')!;
    assert.deepEqual([crm.action, crm.reason], ['keep', 'the newest good copy (always kept)']);
    assert.deepEqual(await names(d), ['crm-10.dump', 'shop-0.dump', 'shop-1.dump']);
  });

  it('a prune that fails after a sidecar leaves that backup listed without one (never as good), and kept', async () => {
    const d = s3Dest('half');
    await fill(d);
    const backups = await listRemoteBackups({ destination: d, access });
    const plan = planRetention('half', backups, { keep: 3 }, Date.now());
    const store = await openStore(d, access);
    const real = storeDeleter(store);
    const left: string[] = [];
    await assert.rejects(
      applyRetention(
        plan,
        {
          deleteSidecar: real.deleteSidecar,
          deleteBackup: async () => {
            throw new Error('the network went away');
          },
        },
        { onCleanup: (f) => left.push(f) },
      ),
      /the network went away/,
    );
    store.close();
    assert.match(left[0], /^left s3:\/\/backups\/half\/shop-3\.dump without its sidecar/);
    const after = (await listRemoteBackups({ destination: d, access })).find((b) => b.name === 'shop-3.dump')!;
    assert.equal(after.sidecar, undefined);
    assert.match(after.problem ?? '', /no sidecar/);
    const again = planRetention('half', await listRemoteBackups({ destination: d, access }), { keep: 3 }, Date.now());
    assert.equal(again.items.find((i) => i.backup.name === 'shop-3.dump')?.action, 'keep');
  });

  it('a folder destination: the same plan, files and folders removed', async () => {
    const dir = join(root, 'offsite');
    const d = parseDestination(dir);
    mkdirSync(dir);
    await fill(d);
    const r = await pruneDestination({ destination: d, rule: { keep: 1 }, access });
    assert.deepEqual(r.deleted.map((b) => b.name).sort(), ['shop-1.dump', 'shop-2', 'shop-3.dump']);
    assert.deepEqual(readdirSync(dir).sort(), [
      'crm-10.dump',
      'crm-10.dump.pgbackup.json',
      'shop-0.dump',
      'shop-0.dump.pgbackup.json',
    ]);
    assert.equal(existsSync(join(dir, 'shop-2')), false, 'the directory dump’s folder is gone');
  });

  describe('pg-backup prune (the built CLI)', () => {
    const saved = { ...process.env };
    let flags: string[];
    before(async () => {
      Object.assign(process.env, s3.env); // the SDK's chain: the keys reach the CLI through its environment only
      flags = ['--endpoint', s3.endpoint, '--path-style'];
      await fill(s3Dest('cli'));
    });
    after(() => {
      process.env = saved;
    });

    it('--dry-run lists every backup with what would happen and why, then the bucket’s protection', async () => {
      const before = stored(s3, 'backups');
      const r = await runCli(['prune', 's3://backups/cli', '--keep', '1', '--dry-run', ...flags]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(
        lines[0],
        's3://backups/cli: keeping the newest 1 of each database, and always its newest good copy (dry run: nothing is deleted).',
      );
      assert.match(
        r.stdout,
        /^ {2}would delete {2}shop-3\.dump +\d{4}-\d\d-\d\d \d\d:\d\d {2}\S+\/shop: not one of the newest 1$/m,
      );
      assert.match(r.stdout, /^ {2}keep {10}shop-0\.dump +.* {2}\S+\/shop: one of the newest 1$/m);
      assert.match(r.stdout, /^Would delete 3 of 5 backups \(.+\)\.$/m);
      assert.match(lines.at(-1)!, /^Bucket protection: The store did not say whether versioning or Object Lock is on/);
      assert.deepEqual(stored(s3, 'backups'), before);
    });

    it('--json: the plan and what was deleted; the listing agrees', async () => {
      const r = await runCli(['prune', 's3://backups/cli', '--keep-days', '2', '--json', ...flags]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.rule, { keepDays: 2 });
      assert.equal(out.dryRun, false);
      assert.deepEqual(out.deleted.sort(), ['shop-2', 'shop-3.dump']);
      assert.deepEqual(out.protection.versioning, 'unknown');
      const crm = out.items.find((i: { name: string }) => i.name === 'crm-10.dump');
      assert.deepEqual([crm.action, crm.reason], ['keep', 'the newest good copy (always kept)']);
      assert.deepEqual(await names(s3Dest('cli')), ['crm-10.dump', 'shop-0.dump', 'shop-1.dump']);
    });

    it('bad input: one line and exit 2; an unreachable endpoint: one line and exit 3', async () => {
      const cases: [string[], number, RegExp][] = [
        [
          ['prune', 's3://backups/cli', ...flags],
          2,
          /^pg-backup prune: Say what to keep: --keep N and\/or --keep-days N\.$/,
        ],
        [
          ['prune', 's3://backups/cli', '--keep', '0'],
          2,
          /^pg-backup prune: --keep needs a whole number of at least 1, not "0"\.$/,
        ],
        [
          ['prune', 's3://No_Bucket/x', '--keep', '1'],
          2,
          /^pg-backup prune: "No_Bucket" in s3:\/\/No_Bucket\/x is not a bucket name/,
        ],
        [
          ['prune', join(root, 'nowhere'), '--keep', '1'],
          2,
          /^pg-backup prune: The destination folder .*nowhere does not exist\.$/,
        ],
        [
          ['prune', 's3://backups/cli', '--keep', '1', '--endpoint', 'http://127.0.0.1:1', '--path-style'],
          3,
          /^pg-backup prune: Cannot list s3:\/\/backups\/cli: http:\/\/127\.0\.0\.1:1 does not answer \(ECONNREFUSED\)\.$/,
        ],
      ];
      for (const [args, code, first] of cases) {
        const r = await runCli(args);
        assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr.split('\n')[0], first);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
    });
  });
});
