import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, withClient } from '../../src/core/connection/client';
import { parseConnectionString } from '../../src/core/connection/profile';
import { listDatabases, serverInfo } from '../../src/core/connection/server-info';
import { PgBackupError } from '../../src/core/errors';
import { discoverTools } from '../../src/core/tools/discover';
import { pickToolSet } from '../../src/core/tools/pick';
import { destroyCluster, embeddedBin, freePort, startCluster, type Cluster } from '../support/cluster';

const execFileP = promisify(execFile);

/** Runs the built CLI (dist/cli.js) and returns its exit code and output. */
async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, ['dist/cli.js', ...args], {
      env: { ...process.env, PGPASSWORD: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('connecting to a real cluster', function () {
  let trust: Cluster;
  let secured: Cluster;

  before(async () => {
    [trust, secured] = await Promise.all([startCluster(), startCluster({ password: 'right horse battery' })]);
    await trust.psql('create database "sample"; ');
  });
  after(async () => {
    await Promise.all([destroyCluster(trust), destroyCluster(secured)]);
  });

  it('reads the server version and lists databases with their size', async () => {
    await withClient(parseConnectionString(trust.url()).params, {}, async (c) => {
      const info = await serverInfo(c);
      assert.equal(info.major, 15);
      assert.match(info.version, /^15\.\d+/);
      assert.equal(info.currentUser, 'postgres');
      const dbs = await listDatabases(c);
      const names = dbs.map((d) => d.name);
      assert.ok(names.includes('sample') && names.includes('postgres'), names.join(','));
      assert.ok(!names.includes('template0'));
      assert.ok(dbs.every((d) => d.sizeBytes > 0));
    });
  });

  it('connects over the socket directory as host', async () => {
    const c = await connect({ host: trust.socketDir, port: trust.port, user: 'postgres', database: 'sample' });
    assert.equal((await c.query('select current_database() as d')).rows[0].d, 'sample');
    await c.end();
  });

  it('says "password authentication failed" for a wrong password', async () => {
    await assert.rejects(
      connect({ host: '127.0.0.1', port: secured.port, user: 'postgres', database: 'postgres' }, { password: 'wrong' }),
      (e: PgBackupError) => e.kind === 'auth' && /Password authentication failed for user "postgres"/.test(e.message),
    );
    const c = await connect(
      { host: '127.0.0.1', port: secured.port, user: 'postgres' },
      { password: 'right horse battery' },
    );
    await c.end();
  });

  it('says the database does not exist for an unknown database', async () => {
    await assert.rejects(
      connect({ host: '127.0.0.1', port: trust.port, user: 'postgres', database: 'nope' }),
      (e: PgBackupError) => e.kind === 'database' && /Database "nope" does not exist/.test(e.message),
    );
  });

  it('says connection refused for a port nobody listens on, within the timeout', async () => {
    const port = await freePort();
    const t = Date.now();
    await assert.rejects(
      connect({ host: '127.0.0.1', port, user: 'postgres' }, { connectTimeoutSec: 3 }),
      (e: PgBackupError) => e.kind === 'unreachable' && /connection refused/.test(e.message),
    );
    assert.ok(Date.now() - t < 3000);
  });

  it('CLI conn test prints the version, and exits 3 with one line for a wrong port or password', async () => {
    const ok = await cli(['conn', 'test', trust.url()]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /PostgreSQL 15\.\d+/);

    const port = await freePort();
    const refused = await cli(['conn', 'test', `postgresql://postgres@127.0.0.1:${port}/postgres`]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr.split('\n')[0], /connection refused/);

    const bad = await cli(['conn', 'test', `postgresql://postgres@127.0.0.1:${secured.port}/postgres`], {
      PGPASSWORD: 'wrong',
    });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr.split('\n')[0], /Password authentication failed/);
    assert.ok(!bad.stderr.includes('wrong'), 'the password must not be echoed');

    const good = await cli(['conn', 'test', `postgresql://postgres@127.0.0.1:${secured.port}/postgres`], {
      PGPASSWORD: 'right horse battery',
    });
    assert.equal(good.code, 0, good.stderr);

    const usage = await cli(['conn', 'test', 'not a connection']);
    assert.equal(usage.code, 2);
  });

  it('CLI tools --json lists the PostgreSQL 15 tools', async () => {
    const r = await cli(['tools', '--json']);
    assert.equal(r.code, 0);
    const sets = JSON.parse(r.stdout).toolSets as { major: number; tools: Record<string, string> }[];
    const v15 = sets.find((s) => s.major === 15);
    assert.ok(v15?.tools.pg_dump && v15.tools.pg_restore && v15.tools.pg_basebackup);
  });
});

describe('a server newer than every installed pg_dump', function () {
  let newer: Cluster;
  before(async () => {
    newer = await startCluster({ bin: embeddedBin() });
  });
  after(() => destroyCluster(newer));

  it('is refused with the server version, the versions found and how to install the right one', async () => {
    const info = await withClient(parseConnectionString(newer.url()).params, {}, serverInfo);
    assert.ok(info.major >= 17, `embedded server is ${info.version}`);
    const sets = await discoverTools();
    assert.throws(
      () => pickToolSet(sets, info.major, info.version),
      (e: PgBackupError) =>
        e.kind === 'tool-version' &&
        e.message.includes(`PostgreSQL ${info.version}`) &&
        e.message.includes('15.') &&
        e.message.includes(`version ${info.major} or newer`) &&
        (e.hint ?? '').includes(`postgresql-client-${info.major}`),
    );
  });
});
