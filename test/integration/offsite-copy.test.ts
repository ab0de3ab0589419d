/**
 * Off-site copies through the core API, against a real S3-compatible server (s3rver on 127.0.0.1, see
 * test/support/s3-server.ts for what it does not emulate) and a folder: dumps of every format and a base backup
 * of a PostgreSQL 15 cluster copied, listed, read back and fetched byte for byte; a file of several parts; a
 * cancel mid-upload that leaves no object and no multipart upload; a corrupted object found by its sha256.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { backupChecksum, sha256File } from '../../src/core/dump/checksum';
import { dumpDatabase, sidecarPath, type DumpFormat } from '../../src/core/dump';
import { readSidecar } from '../../src/core/dump/sidecar';
import { CancelledError, PgBackupError } from '../../src/core/errors';
import { copyBackup } from '../../src/core/offsite/copy';
import { parseDestination } from '../../src/core/offsite/destination';
import { fetchRemoteBackup } from '../../src/core/offsite/fetch';
import { INDEX_KEY, listRemoteBackups, type SidecarCache } from '../../src/core/offsite/list';
import { openStore } from '../../src/core/offsite/store';
import type { S3Store } from '../../src/core/offsite/s3-store';
import type { BaseBackupSidecar, DestinationSpec } from '../../src/core/offsite/types';
import { describeCheck, verifyCopy } from '../../src/core/offsite/verify-copy';
import { takeBaseBackup } from '../../src/core/physical/basebackup';
import { discoverTools } from '../../src/core/tools/discover';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { workFolder } from '../support/work-folder';
import { createShop, tcp } from './dump-fixture';

const FORMATS: DumpFormat[] = ['custom', 'directory', 'tar', 'plain'];
const EXT: Record<DumpFormat, string> = { custom: '.dump', directory: '', tar: '.tar', plain: '.sql' };

describe('off-site copies: core (s3rver and a folder, PostgreSQL 15)', function () {
  this.timeout(300_000);
  let s3: S3TestServer;
  let cluster: Cluster;
  let work: string;
  let dest: DestinationSpec;
  const dumps = {} as Record<DumpFormat, string>;
  let base: string;
  const savedEnv = { ...process.env };

  before(async () => {
    s3 = await startS3Server();
    Object.assign(process.env, s3.env);
    dest = parseDestination('s3://backups/team/shop', { endpoint: s3.endpoint, pathStyle: true });
    work = workFolder('pgb-offsite-');
    cluster = await startCluster();
    await createShop(cluster, 'shop');
    for (const format of FORMATS)
      dumps[format] = (
        await dumpDatabase({
          params: tcp(cluster, 'shop'),
          options: { format },
          out: join(work, `shop-${format}${EXT[format]}`),
        })
      ).path;
    base = join(work, 'base-1');
    await takeBaseBackup({
      params: tcp(cluster, 'postgres'),
      options: { format: 'tar' },
      out: base,
      toolSet: (await discoverTools([PG15_BIN]))[0],
    });
  });

  after(async () => {
    process.env = savedEnv;
    await destroyCluster(cluster);
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const fetchedFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith('pg-backup-fetch-'));

  for (const format of FORMATS) {
    it(`copies a ${format} dump with its sidecar, lists it, reads it back and fetches it byte for byte`, async () => {
      const percents: number[] = [];
      const r = await copyBackup({ backup: dumps[format], destination: dest, onProgress: (p) => percents.push(p) });
      const name = `shop-${format}${EXT[format]}`;
      assert.equal(r.location, `s3://backups/team/shop/${name}`);
      assert.equal(r.kind, 'dump');
      // s3rver ignores checksums and returns none: the copy says so instead of claiming a check.
      assert.equal(r.storeChecked, false);
      assert.deepEqual(r.sha256, (await readSidecar(dumps[format])).sha256);
      assert.equal(percents.at(-1), 100);
      assert.ok(
        percents.every((p, i) => i === 0 || p >= percents[i - 1]),
        'progress only grows',
      );
      const copies = (await readSidecar(dumps[format])).copies;
      assert.equal(copies?.length, 1);
      assert.equal(copies![0].location, r.location);
      assert.equal(copies![0].destination, 's3://backups/team/shop');

      const listed = (await listRemoteBackups({ destination: dest })).find((b) => b.name === name);
      assert.ok(listed, `${name} is listed`);
      assert.equal(listed.problem, undefined);
      assert.equal(listed.format, format);
      assert.equal(listed.database, 'shop');
      assert.deepEqual(listed.sha256, r.sha256);
      assert.equal(listed.sidecar?.copies, undefined, "this machine's records do not travel");

      const check = await verifyCopy({ destination: dest, name, localBackup: dumps[format] });
      assert.equal(check.ok, true, describeCheck(check).join('\n'));
      assert.equal((await readSidecar(dumps[format])).copies![0].verified?.ok, true);

      const fetched = await fetchRemoteBackup({ location: r.location, s3: { endpoint: s3.endpoint, pathStyle: true } });
      try {
        assert.equal(statSync(fetched.folder).mode & 0o777, 0o700, 'a private folder');
        assert.deepEqual(await backupChecksum(fetched.path), r.sha256);
        assert.ok(existsSync(sidecarPath(fetched.path)), 'the sidecar comes with it');
      } finally {
        await fetched.dispose();
      }
      assert.equal(existsSync(fetched.folder), false, 'the download is removed');
    });
  }

  it('refuses to overwrite a copy that exists', async () => {
    await assert.rejects(
      copyBackup({ backup: dumps.custom, destination: dest }),
      (e: unknown) => e instanceof PgBackupError && e.kind === 'input' && /already exists/.test(e.message),
    );
  });

  it('refuses a dump that no longer matches its sidecar, and leaves nothing at the destination', async () => {
    const changed = join(work, 'changed.sql');
    writeFileSync(changed, readFileSync(dumps.plain, 'utf8') + '\n-- edited after the dump\n');
    writeFileSync(sidecarPath(changed), readFileSync(sidecarPath(dumps.plain)));
    await assert.rejects(
      copyBackup({ backup: changed, destination: dest }),
      (e: unknown) =>
        e instanceof PgBackupError && e.kind === 'input' && /no longer matches its sidecar/.test(e.message),
    );
    const store = await openStore(dest);
    try {
      assert.equal(
        (await store.listTop()).files.find((f) => f.key.startsWith('changed.sql')),
        undefined,
      );
    } finally {
      store.close();
    }
  });

  it('copies a base backup with a sidecar of its own (a sha256 per file), local and remote', async () => {
    const r = await copyBackup({ backup: base, destination: dest });
    assert.equal(r.kind, 'basebackup');
    const local = JSON.parse(readFileSync(sidecarPath(base), 'utf8')) as BaseBackupSidecar;
    assert.equal(local.kind, 'basebackup');
    assert.equal(local.format, 'tar');
    assert.equal(local.serverVersion, '15');
    assert.deepEqual(local.sha256, await backupChecksum(base));
    assert.ok(Object.keys(local.sha256.files).includes('base.tar'));
    assert.equal(local.copies?.[0].location, r.location);
    const listed = (await listRemoteBackups({ destination: dest })).find((b) => b.name === 'base-1');
    assert.equal(listed?.kind, 'basebackup');
    assert.equal(listed?.baseSidecar?.startLsn, local.startLsn);
    assert.equal((await verifyCopy({ destination: dest, name: 'base-1' })).ok, true);
  });

  it('sends a file larger than a part as a parallel multipart upload and leaves no upload open', async () => {
    const big = join(work, 'big.dump');
    writeFileSync(big, randomBytes(23 << 20));
    const sha = await sha256File(big);
    const sidecar = { ...(await readSidecar(dumps.custom)), bytes: 23 << 20, sha256: sha, copies: undefined };
    writeFileSync(sidecarPath(big), JSON.stringify(sidecar));
    const seen: number[] = [];
    const r = await copyBackup({
      backup: big,
      destination: dest,
      partSize: 5 << 20,
      concurrency: 3,
      onProgress: (_p, bytes) => seen.push(bytes),
    });
    assert.equal(r.bytes, 23 << 20);
    assert.ok(new Set(seen).size >= 5, `progress per part (${seen.length} reports)`);
    assert.deepEqual(s3.pendingUploads('backups'), []);
    const check = await verifyCopy({ destination: dest, name: 'big.dump' });
    assert.equal(check.ok, true);
    assert.equal(check.actual, sha);
  });

  it('a cancel mid-upload leaves no object under the final key, no sidecar and no multipart upload', async () => {
    const big = join(work, 'cancelled.dump');
    writeFileSync(big, randomBytes(40 << 20));
    const sidecar = { ...(await readSidecar(dumps.custom)), sha256: await sha256File(big), copies: undefined };
    writeFileSync(sidecarPath(big), JSON.stringify(sidecar));
    const ac = new AbortController();
    const cleaned: string[] = [];
    await assert.rejects(
      copyBackup({
        backup: big,
        destination: dest,
        partSize: 5 << 20,
        concurrency: 2,
        signal: ac.signal,
        onCleanup: (f) => cleaned.push(f),
        onProgress: (p) => p >= 20 && ac.abort(),
      }),
      CancelledError,
    );
    const store = (await openStore(dest)) as S3Store;
    try {
      const top = await store.listTop();
      assert.equal(
        top.files.find((f) => f.key.startsWith('cancelled.dump')),
        undefined,
        'no object, no sidecar',
      );
      // Through the S3 API (ListMultipartUploads) and on the server's disk.
      assert.deepEqual(await store.pendingUploads('cancelled.dump'), []);
      assert.deepEqual(s3.pendingUploads('backups'), []);
    } finally {
      store.close();
    }
    assert.equal((await readSidecar(big)).copies, undefined, 'no copy recorded');
    assert.ok(
      cleaned.some((c) => /removed/.test(c)),
      cleaned.join('; '),
    );
  });

  it('a corrupted object fails the read-back with both sums, and a fetch of it leaves nothing', async () => {
    const store = (await openStore(dest)) as S3Store;
    try {
      await store.client.send(
        new PutObjectCommand({ Bucket: 'backups', Key: 'team/shop/shop-tar.tar', Body: Buffer.from('not the dump') }),
      );
    } finally {
      store.close();
    }
    const want = (await readSidecar(dumps.tar)).sha256 as string;
    const check = await verifyCopy({ destination: dest, name: 'shop-tar.tar', localBackup: dumps.tar });
    assert.equal(check.ok, false);
    assert.deepEqual(check.changed, ['']);
    const text = describeCheck(check).join('\n');
    assert.match(text, new RegExp(`sidecar says ${want}, the copy is [0-9a-f]{64}`));
    assert.equal((await readSidecar(dumps.tar)).copies![0].verified?.ok, false, 'the local sidecar records it');
    const before = fetchedFolders();
    await assert.rejects(
      fetchRemoteBackup({
        location: 's3://backups/team/shop/shop-tar.tar',
        s3: { endpoint: s3.endpoint, pathStyle: true },
      }),
      (e: unknown) => e instanceof PgBackupError && e.kind === 'mismatch' && e.message.includes(want),
    );
    assert.deepEqual(fetchedFolders(), before, 'the download folder is removed');
  });

  it('copies to a folder under .partial, renamed, re-read; lists and verifies it there', async () => {
    const folder = join(work, 'usb');
    const fdest = parseDestination(folder);
    await assert.rejects(copyBackup({ backup: dumps.custom, destination: fdest }), /does not exist/);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    for (const format of ['custom', 'directory'] as const) {
      const r = await copyBackup({ backup: dumps[format], destination: fdest });
      assert.equal(r.storeChecked, true, 'a folder copy is re-read');
      assert.deepEqual(await backupChecksum(r.location), r.sha256);
    }
    const names = readdirSync(folder, { recursive: true }) as string[];
    assert.equal(
      names.find((n) => /\.partial|\.tmp/.test(n)),
      undefined,
    );
    const listed = await listRemoteBackups({ destination: fdest });
    assert.deepEqual(listed.map((b) => b.name).sort(), ['shop-custom.dump', 'shop-directory']);
    assert.ok(listed.every((b) => !b.problem));
    assert.equal((await verifyCopy({ destination: fdest, name: 'shop-directory' })).ok, true);
    writeFileSync(join(folder, 'shop-directory', 'toc.dat'), 'damaged');
    const bad = await verifyCopy({ destination: fdest, name: 'shop-directory' });
    assert.deepEqual(bad.changed, ['toc.dat']);
  });

  it('a listing with a cache reads only the sidecars whose ETag changed', async () => {
    const cache: SidecarCache = new Map();
    await listRemoteBackups({ destination: dest, cache });
    const where = 's3://backups/team/shop/shop-custom.dump.pgbackup.json';
    const entry = cache.get(where);
    assert.ok(entry?.etag, 'cached with its ETag');
    // A cached text is used as long as the ETag is the same: this one says another database.
    cache.set(where, { etag: entry.etag, text: entry.text.replace('"database": "shop"', '"database": "from-cache"') });
    const again = await listRemoteBackups({ destination: dest, cache });
    assert.equal(again.find((b) => b.name === 'shop-custom.dump')?.database, 'from-cache');
    cache.set(where, { etag: '"stale"', text: cache.get(where)!.text });
    const fresh = await listRemoteBackups({ destination: dest, cache });
    assert.equal(fresh.find((b) => b.name === 'shop-custom.dump')?.database, 'shop', 'a changed ETag is read again');
  });

  it('keeps an index of the sidecars in the bucket: used only where the ETag matches, rewritten when wrong', async () => {
    const before = await listRemoteBackups({ destination: dest, saveIndex: true });
    const store = await openStore(dest);
    try {
      const index = JSON.parse((await store.getText(INDEX_KEY))!);
      assert.equal(index.tool, 'pg-backup');
      assert.ok(index.sidecars['shop-custom.dump.pgbackup.json']?.etag, 'the listing wrote the index');
      assert.ok(!before.some((b) => b.name === INDEX_KEY), 'the index is not a backup');
      // An entry whose ETag is not the sidecar's is never used; a foreign or broken index is ignored.
      const key = 'shop-custom.dump.pgbackup.json';
      const forged = { ...index.sidecars[key], etag: '"other"', text: '{"tool":"pg-backup","database":"forged"}' };
      await store.putText(INDEX_KEY, JSON.stringify({ ...index, sidecars: { ...index.sidecars, [key]: forged } }));
      const listed = await listRemoteBackups({ destination: dest, saveIndex: true });
      assert.equal(listed.find((b) => b.name === 'shop-custom.dump')?.database, 'shop');
      assert.equal(JSON.parse((await store.getText(INDEX_KEY))!).sidecars[key].etag, index.sidecars[key].etag);
      await store.putText(INDEX_KEY, 'not json');
      assert.deepEqual(
        (await listRemoteBackups({ destination: dest, saveIndex: true })).map((b) => [b.name, b.database, b.problem]),
        before.map((b) => [b.name, b.database, b.problem]),
      );
    } finally {
      store.close();
    }
  });

  it('lists a backup whose copy never finished (no sidecar) with that problem', async () => {
    const store = await openStore(dest);
    try {
      await store.putText('half.dump', 'x');
    } finally {
      store.close();
    }
    const half = (await listRemoteBackups({ destination: dest })).find((b) => b.name === 'half.dump');
    assert.match(half?.problem ?? '', /no sidecar/);
  });
});
