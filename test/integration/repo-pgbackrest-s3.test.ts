/**
 * A pgBackRest repository in an S3-compatible bucket: s3rver on 127.0.0.1 over TLS with a self-signed certificate
 * (test/support/s3-server.ts; pgBackRest speaks only https to S3, so repo1-storage-verify-tls=n), the configuration
 * generated for S3 with the keys only in PGBACKREST_REPO1_S3_KEY/_SECRET. A full backup, info read back, a drill
 * from the bucket; and the keys appear in no file, config or logged command line.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { engineFor } from '../../src/core/engines';
import { runRepoDrill } from '../../src/core/engines/repo-drill';
import type { BackupEngine } from '../../src/core/engines/types';
import { discoverTools } from '../../src/core/tools/discover';
import { startPgbackrestCluster, type PgbackrestCluster } from '../support/pgbackrest-repo';
import { startS3Server, type S3TestServer } from '../support/s3-server';

/** s3rver checks no signature, only the key id: the secret is ours to choose, and to look for everywhere. */
const SECRET = 'pgbr-s3-secret-Zq81x';

describe('pgBackRest repository on S3 (s3rver over TLS)', function () {
  this.timeout(300_000);
  let s3: S3TestServer;
  let pgbr: PgbackrestCluster;
  let engine: BackupEngine;
  const saved = { key: process.env.PGBACKREST_REPO1_S3_KEY, secret: process.env.PGBACKREST_REPO1_S3_KEY_SECRET };
  const logged: string[] = [];

  before(async () => {
    s3 = await startS3Server({ tls: true, buckets: ['pgbr'] });
    // The server's archive_command (archive-push) needs the keys as much as our calls do: both inherit them.
    process.env.PGBACKREST_REPO1_S3_KEY = 'S3RVER';
    process.env.PGBACKREST_REPO1_S3_KEY_SECRET = SECRET;
    pgbr = await startPgbackrestCluster({
      stanza: 's3demo',
      repository: () => ({
        kind: 's3',
        bucket: 'pgbr',
        endpoint: '127.0.0.1',
        port: s3.port,
        region: 'us-east-1',
        uriStyle: 'path',
        verifyTls: false,
      }),
    });
    engine = await engineFor(pgbr.repo);
    await pgbr.cluster.psql('create table far_away as select g from generate_series(1, 777) g');
  });

  after(async () => {
    await pgbr?.destroy();
    await s3?.stop();
    for (const [name, v] of [
      ['PGBACKREST_REPO1_S3_KEY', saved.key],
      ['PGBACKREST_REPO1_S3_KEY_SECRET', saved.secret],
    ] as const) {
      if (v === undefined) delete process.env[name];
      else process.env[name] = v;
    }
  });

  it('backs up into the bucket and reads it back', async () => {
    const full = await engine.backup(pgbr.repo, 'full', { log: (l) => logged.push(l) });
    assert.equal(full.type, 'full');
    const info = await engine.info(pgbr.repo, { log: (l) => logged.push(l) });
    assert.deepEqual(
      info.backups.map((b) => b.label),
      [full.label],
    );
    assert.ok(info.archive?.max, 'no WAL archived into the bucket');
    const objects = execFileSync('find', [s3.directory, '-type', 'f'], { encoding: 'utf8' });
    assert.match(objects, /backup\/s3demo\/backup\.info/);
  });

  it('drills from the bucket: the table comes back with every row', async () => {
    const r = await runRepoDrill({ repo: pgbr.repo, toolSets: await discoverTools(), log: (l) => logged.push(l) });
    assert.equal(r.passed, true, r.problems.join('; ') + '\n' + r.logTail);
    assert.equal(r.tables.find((t) => t.name === 'far_away')?.rows, 777);
  });

  it('the secret key is in no config, log file or logged command line', () => {
    assert.ok(logged.length > 0);
    assert.ok(!logged.some((l) => l.includes(SECRET)), 'a logged command line holds the secret');
    assert.ok(!pgbr.setup.configText.includes(SECRET));
    // grep exits 1 when no file matches.
    const grep = spawnSync('grep', ['-rl', SECRET, pgbr.base, pgbr.cluster.baseDir], { encoding: 'utf8' });
    assert.equal(grep.status, 1, `files holding the secret: ${grep.stdout}${grep.stderr}`);
  });
});
