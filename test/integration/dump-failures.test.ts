import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { connect } from '../../src/core/connection/client';
import {
  dumpDatabase,
  TablePermissionError,
  verifyChecksum,
  type DumpProgress,
  type DumpRequest,
} from '../../src/core/dump';
import { CancelledError, PgBackupError } from '../../src/core/errors';
import { destroyCluster, embeddedBin, startCluster, type Cluster } from '../support/cluster';
import { createShop, tcp } from './dump-fixture';
import { sleep } from '../support/time';

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('dump failures and cancellation (PostgreSQL 15)', function () {
  this.timeout(60_000);
  let cluster: Cluster;
  let dir: string;
  let earlier: string;
  const dumpBackends = (extra = '') =>
    cluster.psql(`select count(*) from pg_stat_activity where application_name = 'pg-backup' ${extra}`).then(Number);
  const request = (over: Partial<DumpRequest>): DumpRequest => ({
    params: tcp(cluster, 'shop'),
    options: { format: 'custom' },
    out: join(dir, 'next.dump'),
    ...over,
  });

  /** A session holding an ACCESS EXCLUSIVE lock: pg_dump blocks on its own LOCK TABLE until we let go. */
  async function holdLock(): Promise<Client> {
    const locker = await connect(tcp(cluster, 'shop'));
    await locker.query('begin; lock table shop.orders in access exclusive mode');
    return locker;
  }
  const waitingForLock = () =>
    waitFor(
      'pg_dump to wait for the lock',
      async () => (await dumpBackends(`and wait_event_type = 'Lock' and query like 'LOCK TABLE%'`)) === 1,
    );

  /** Nothing under the final name, no partial output, no sidecar, and the earlier backup as it was. */
  async function assertNothingLeft(folder = dir): Promise<void> {
    assert.deepEqual(
      (await readdir(folder)).filter((n) => !n.startsWith('earlier.dump')),
      [],
    );
    assert.equal((await verifyChecksum(earlier)).ok, true);
  }

  before(async () => {
    cluster = await startCluster();
    dir = await mkdtemp(join(tmpdir(), 'pgb-dumpfail-'));
    await createShop(cluster, 'shop');
    // Two ~60 MB tables so that a parallel dump is still copying when we cancel it.
    await cluster.psql(`create database big`);
    await cluster.psql(
      `create table a as select g as id, repeat(md5(g::text), 3) as payload from generate_series(1, 400000) g;
                        create table b as select * from a`,
      'big',
    );
    earlier = (await dumpDatabase(request({ out: join(dir, 'earlier.dump') }))).path;
  });
  after(async () => {
    await destroyCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses parallel jobs with the custom format, giving pg_dump's reason, before writing anything", async () => {
    await assert.rejects(
      dumpDatabase(request({ options: { format: 'custom', jobs: 2 } })),
      (e: PgBackupError) =>
        e.kind === 'usage' && e.message === 'parallel backup only supported by the directory format',
    );
    await assertNothingLeft();
  });

  it('never overwrites an earlier backup', async () => {
    await assert.rejects(dumpDatabase(request({ out: earlier })), /already exists/);
    await assertNothingLeft();
  });

  it('cancelled while pg_dump waits for a lock, leaves no file under the final name and no partial output', async () => {
    const locker = await holdLock();
    try {
      const ac = new AbortController();
      const dump = dumpDatabase(request({ signal: ac.signal }));
      await waitingForLock();
      ac.abort();
      await assert.rejects(dump, CancelledError);
    } finally {
      await locker.query('rollback').finally(() => locker.end());
    }
    await assertNothingLeft();
    await waitFor("pg_dump's session to end", async () => (await dumpBackends()) === 0);
  });

  it('cancelled mid-copy, stops pg_dump and its parallel workers and removes the partial folder', async () => {
    const ac = new AbortController();
    const events: DumpProgress[] = [];
    const dump = dumpDatabase(
      request({
        params: tcp(cluster, 'big'),
        options: { format: 'directory', jobs: 2 },
        out: join(dir, 'next'),
        signal: ac.signal,
        pollMs: 20,
        onProgress: (p) => {
          events.push(p);
          if (p.phase === 'data' && p.bytesWritten > 0) ac.abort();
        },
      }),
    );
    await assert.rejects(dump, CancelledError);
    assert.ok(events.every((e) => e.percent < 100));
    await assertNothingLeft();
    await waitFor("the workers' sessions to end", async () => (await dumpBackends()) === 0);
  });

  it('names the table the role may not read, and succeeds when it is excluded', async () => {
    await cluster.psql(
      `create role reader login; create table public.secret (i int); create table public.open (i int);
                        insert into public.open values (1); grant select on public.open to reader`,
      'shop',
    );
    await cluster.psql(
      `grant usage on schema shop to reader; grant select on all tables in schema shop to reader; grant select on all sequences in schema shop to reader`,
      'shop',
    );
    const asReader = { ...tcp(cluster, 'shop'), user: 'reader' };
    const options = { format: 'custom' as const, schemas: ['public'] };
    const err = await dumpDatabase(request({ params: asReader, options })).then(
      () => assert.fail('the dump should fail'),
      (e) => e,
    );
    assert.ok(err instanceof TablePermissionError, String(err));
    assert.equal(err.table, 'public.secret');
    assert.equal(err.message, 'Permission denied for table public.secret: the dumping role cannot read it.');
    await assertNothingLeft();
    const r = await dumpDatabase(request({ params: asReader, options: { ...options, excludeTables: [err.table] } }));
    assert.ok(existsSync(r.path));
    await rm(r.path);
    await rm(r.sidecarPath);
  });

  it("says the connection was lost when the server ends pg_dump's session mid-dump", async () => {
    const locker = await holdLock();
    try {
      const dump = dumpDatabase(request({}));
      await waitingForLock();
      await cluster.psql(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pg-backup' and wait_event_type = 'Lock'`,
      );
      await assert.rejects(
        dump,
        (e: PgBackupError) =>
          e.kind === 'unreachable' && e.message === 'The connection to the server was lost during the dump.',
      );
    } finally {
      await locker.query('rollback').finally(() => locker.end());
    }
    await assertNothingLeft();
  });

  it('says the disk is full and removes what it wrote', async function () {
    const small = join(dir, 'small-disk');
    mkdirSync(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small], { stdio: 'ignore' });
    } catch {
      this.skip(); // needs root and mount rights
    }
    try {
      await assert.rejects(
        dumpDatabase(
          request({ params: tcp(cluster, 'big'), options: { format: 'plain' }, out: join(small, 'big.sql') }),
        ),
        (e: PgBackupError) =>
          e.kind === 'io' &&
          e.message.startsWith(`The disk is full in ${small}: pg_dump stopped after writing `) &&
          /nothing was kept\)\.$/.test(e.message),
      );
      assert.deepEqual(await readdir(small), []);
    } finally {
      execFileSync('umount', [small]);
      await rm(small, { recursive: true });
    }
  });

  it('refuses a server newer than every installed pg_dump, naming both versions', async () => {
    const newer = await startCluster({ bin: embeddedBin() });
    try {
      await assert.rejects(
        dumpDatabase(request({ params: tcp(newer, 'postgres'), out: join(dir, 'newer.dump') })),
        (e: PgBackupError) =>
          e.kind === 'tool-version' &&
          /server runs PostgreSQL 18\..*pg_dump 15\.\d+ is installed.*version 18 or newer/.test(e.message),
      );
    } finally {
      await destroyCluster(newer);
    }
    await assertNothingLeft();
  });
});
