/**
 * `pg-backup copy`, `list`, `copy --verify-only` and s3:// backups in `inspect`, `verify` (the drill) and `restore`,
 * against s3rver on 127.0.0.1 and PostgreSQL 15: exit codes by the contract, one clear line for wrong credentials,
 * an unreachable endpoint and a missing bucket, the download folder removed after, TLS with a self-signed
 * certificate, and the secret key never in argv, output or sidecars.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { main } from '../../src/cli/main';
import { dumpDatabase, sidecarPath } from '../../src/core/dump';
import { sha256File } from '../../src/core/dump/checksum';
import { readSidecar } from '../../src/core/dump/sidecar';
import { parseDestination } from '../../src/core/offsite/destination';
import type { S3Store } from '../../src/core/offsite/s3-store';
import { openStore } from '../../src/core/offsite/store';
import { destroyCluster, freePort, startCluster, type Cluster } from '../support/cluster';
import { captureIo } from '../support/io';
import { CmdlineSampler } from '../support/leftovers';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { workFolder } from '../support/work-folder';
import { createShop, rowCounts, tcp } from './dump-fixture';
import { buildCli, runCli } from './run-cli';

describe('off-site copies: the CLI (s3rver, PostgreSQL 15)', function () {
  this.timeout(300_000);
  let s3: S3TestServer;
  let cluster: Cluster;
  let work: string;
  let dump: string;
  let flags: string[];
  const savedEnv = { ...process.env };
  /** s3rver checks no SigV4 signature, so any secret works: this one is only there to be looked for. */
  const secret = `pgb-secret-${randomBytes(8).toString('hex')}`;

  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await main(args, io);
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), errLines: io.stderr };
  };
  const fetchFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith('pg-backup-fetch-'));

  before(async () => {
    buildCli();
    s3 = await startS3Server();
    Object.assign(process.env, s3.env, { AWS_SECRET_ACCESS_KEY: secret });
    delete process.env.AWS_ENDPOINT_URL; // the tests give --endpoint
    flags = ['--endpoint', s3.endpoint, '--path-style'];
    work = workFolder('pgb-offsite-cli-', 0o755);
    cluster = await startCluster();
    await createShop(cluster, 'shop');
    dump = (
      await dumpDatabase({ params: tcp(cluster, 'shop'), options: { format: 'custom' }, out: join(work, 'shop.dump') })
    ).path;
  });

  after(async () => {
    process.env = savedEnv;
    await destroyCluster(cluster);
    await s3?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('copy, then list (text and JSON) with the sidecar facts and sha256', async () => {
    const sha = (await readSidecar(dump)).sha256 as string;
    const c = await run('copy', dump, 's3://backups/cli', ...flags);
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /^Copied to s3:\/\/backups\/cli\/shop\.dump: /);
    assert.match(c.out, /did not confirm a checksum; read the copy back with: pg-backup copy --verify-only/);
    const l = await run('list', 's3://backups/cli', ...flags);
    assert.equal(l.code, 0, l.err);
    assert.match(l.out, /^shop\.dump {2}custom, .*database shop, from 127\.0\.0\.1:\d+, PostgreSQL 15/);
    assert.ok(l.out.includes(`sha256 ${sha}`));
    const j = await run('list', 's3://backups/cli', '--json', ...flags);
    const listed = JSON.parse(j.out);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].location, 's3://backups/cli/shop.dump');
    assert.equal(listed[0].sha256, sha);
    const v = await run('copy', '--verify-only', 's3://backups/cli/shop.dump', ...flags);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /matches its sidecar's sha256/);
  });

  it('verify s3://… drills the remote backup after checking its sha256, and removes the download', async () => {
    const before = fetchFolders();
    const r = await run('verify', 's3://backups/cli/shop.dump', '--no-log', ...flags);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Restore drill PASSED: shop\.dump/);
    assert.match(r.out, /checksum: verified/);
    assert.deepEqual(fetchFolders(), before);
  });

  it('inspect s3://… shows the table of contents; restore s3://… restores it', async () => {
    const i = await run('inspect', 's3://backups/cli/shop.dump', ...flags);
    assert.equal(i.code, 0, i.err);
    assert.match(i.out, /TABLE DATA shop products/);
    await cluster.psql('create database restored');
    const r = await run('restore', 's3://backups/cli/shop.dump', cluster.url('restored'), ...flags);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(await rowCounts(cluster, 'restored'), await rowCounts(cluster, 'shop'));
  });

  it('a corrupted object: verify-only, inspect and verify exit 1 naming both sums, and leave no download', async () => {
    const sha = (await readSidecar(dump)).sha256 as string;
    const store = (await openStore(
      parseDestination('s3://backups/cli', { endpoint: s3.endpoint, pathStyle: true }),
    )) as S3Store;
    try {
      await store.client.send(
        new PutObjectCommand({ Bucket: 'backups', Key: 'cli/shop.dump', Body: Buffer.from('junk') }),
      );
    } finally {
      store.close();
    }
    const before = fetchFolders();
    const v = await run('copy', '--verify-only', dump, 's3://backups/cli', ...flags);
    assert.equal(v.code, 1, v.err);
    assert.match(v.out, new RegExp(`sha256 mismatch: the sidecar says ${sha}, the copy is [0-9a-f]{64}`));
    assert.equal((await readSidecar(dump)).copies?.[0].verified?.ok, false, 'the verdict is recorded');
    for (const command of ['inspect', 'verify']) {
      const r = await run(command, 's3://backups/cli/shop.dump', ...flags);
      assert.equal(r.code, 1, `${command}: ${r.err}`);
      assert.match(
        r.errLines[0],
        new RegExp(`^pg-backup ${command}: .*sha256 mismatch: the sidecar says ${sha}, the download is`),
      );
    }
    assert.deepEqual(fetchFolders(), before);
  });

  it('Ctrl-C during a copy: exit 130, one line saying what was removed, no object and no open upload', async () => {
    const big = join(work, 'big.dump');
    writeFileSync(big, randomBytes(30 << 20));
    const sidecar = { ...(await readSidecar(dump)), bytes: 30 << 20, sha256: await sha256File(big), copies: undefined };
    writeFileSync(sidecarPath(big), JSON.stringify(sidecar));
    const ac = new AbortController();
    const io = captureIo({ signal: ac.signal });
    const progress = io.progress;
    io.progress = (t) => {
      progress(t);
      if (/^Copy ([2-9]\d|100)%/.test(t)) ac.abort();
    };
    const code = await main(['copy', big, 's3://backups/cancel', '--part-size', '5', ...flags], io);
    assert.equal(code, 130, io.stderr.join('\n'));
    assert.match(io.stderr[0], /^pg-backup copy: cancelled; removed the 1 object\(s\) sent to s3:\/\/backups\/cancel$/);
    assert.deepEqual(s3.pendingUploads('backups'), []);
    const l = await run('list', 's3://backups/cancel', ...flags);
    assert.equal(l.out, 'No backups at s3://backups/cancel.');
  });

  it('wrong credentials, an unreachable endpoint, a missing bucket, bad input: one clear line each, the exit code', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'NOSUCHKEY';
    const auth = await run('list', 's3://backups/cli', ...flags);
    process.env.AWS_ACCESS_KEY_ID = s3.env.AWS_ACCESS_KEY_ID;
    assert.equal(auth.code, 3);
    assert.equal(
      auth.errLines[0],
      'pg-backup list: Cannot list s3://backups/cli: the store refused the credentials (InvalidAccessKeyId).',
    );
    const port = await freePort();
    const down = await run(
      'copy',
      dump,
      's3://backups/elsewhere',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--path-style',
    );
    assert.equal(down.code, 3);
    assert.equal(
      down.errLines[0],
      `pg-backup copy: Cannot read s3://backups/elsewhere/shop.dump.pgbackup.json: http://127.0.0.1:${port} does not answer (ECONNREFUSED).`,
    );
    const nobucket = await run('list', 's3://nobucket/x', ...flags);
    assert.equal(nobucket.code, 2);
    assert.match(
      nobucket.errLines[0],
      /^pg-backup list: Cannot list s3:\/\/nobucket\/x: the bucket nobucket does not exist at http/,
    );
    const usage = await run('copy', dump);
    assert.equal(usage.code, 2);
    const badBucket = await run('copy', dump, 's3://No_Such/x');
    assert.equal(badBucket.code, 2);
    assert.match(badBucket.errLines[0], /is not a bucket name/);
    const badEndpoint = await run('list', 's3://backups/x', '--endpoint', 'ftp://h');
    assert.equal(badEndpoint.code, 2);
    const missing = await run('copy', join(work, 'nope.dump'), 's3://backups/x', ...flags);
    assert.equal(missing.code, 2);
    for (const r of [auth, down, nobucket, usage, badBucket, badEndpoint, missing]) {
      assert.ok(!/\n\s+at /.test(r.err), `no stack trace: ${r.err}`);
      assert.ok(!r.err.includes(secret) && !r.out.includes(secret));
    }
  });

  it('the built CLI over TLS (self-signed, trusted through NODE_EXTRA_CA_CERTS): the secret never in argv, output or sidecars', async () => {
    const tls = await startS3Server({ tls: true });
    const saved = { ...process.env };
    try {
      Object.assign(process.env, tls.env, { AWS_SECRET_ACCESS_KEY: secret });
      const sampler = new CmdlineSampler(secret).start();
      const copied = await runCli(['copy', dump, 's3://backups/tls', '--path-style']);
      const listed = await runCli(['list', 's3://backups/tls', '--path-style']);
      delete process.env.NODE_EXTRA_CA_CERTS;
      const untrusted = await runCli(['list', 's3://backups/tls', '--path-style']);
      sampler.stop();
      assert.equal(copied.code, 0, copied.stderr);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^shop\.dump/);
      assert.equal(untrusted.code, 3);
      assert.match(
        untrusted.stderr,
        /^pg-backup list: Cannot list s3:\/\/backups\/tls: https:\/\/127\.0\.0\.1:\d+'s TLS certificate is not trusted/,
      );
      assert.deepEqual(sampler.hits, [], 'the secret is in no command line');
      assert.ok(sampler.samples > 0);
      for (const r of [copied, listed, untrusted]) assert.ok(!(r.stdout + r.stderr).includes(secret));
      assert.ok(!readFileSync(sidecarPath(dump), 'utf8').includes(secret), 'not in the local sidecar');
      const objects = readdirSync(tls.directory, { recursive: true }) as string[];
      for (const f of objects.filter((n) => n.endsWith('.json') || n.includes('pgbackup')))
        assert.ok(!readFileSync(join(tls.directory, f)).includes(secret), `not in ${f}`);
    } finally {
      process.env = saved;
      await tls.stop();
    }
  });
});
