import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseDestination } from '../../src/core/offsite/destination';
import { listRemoteBackups } from '../../src/core/offsite/list';
import { readJobStatus } from '../../src/core/schedule';
import { readStatus } from '../../src/core/status/read-status';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { S3_ACCESS_KEY, startS3Server, type S3TestServer } from '../support/s3-server';
import { workFolder } from '../support/work-folder';
import { buildCli, runCli } from './run-cli';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** s3rver checks no signature: any secret works, so this one is ours to look for everywhere it must not be. */
const SECRET = 'pgb-secret-Zq9xW4-never-written';

/** Every file under a folder, read as text: where a secret must never appear. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => readFileSync(join(d.parentPath, d.name), 'latin1'))
    .join('\n');
}

describe('pg-backup schedule --copy-to: the generated job copies each good dump off-site, for real', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let s3: S3TestServer;
  let root: string;
  let dir: string;
  let script: string;
  const jobEnv = (more: Record<string, string> = {}) => ({
    ...process.env,
    PGBACKUP_TOOL_FOLDERS: PG15_BIN,
    AWS_ACCESS_KEY_ID: S3_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_REGION: 'us-east-1',
    ...more,
  });
  /** Runs the job as cron would: the keys come from its environment (the SDK's chain), nothing else. */
  /** Asynchronously: s3rver runs in this process and must answer while the job copies. */
  const run = (path: string, more: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(path, [], { env: jobEnv(more), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const runJob = (more: Record<string, string> = {}) => run(script, more);
  const dumps = () =>
    readdirSync(dir)
      .filter((f) => /^shop-\d{8}-\d{6}\.dump$/.test(f))
      .sort();
  const remote = () =>
    listRemoteBackups({
      destination: parseDestination('s3://backups/nightly', { endpoint: s3.endpoint, pathStyle: true }),
      access: { credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: SECRET } },
    });
  const status = () => JSON.parse(readFileSync(join(dir, 'pg-backup-shop.status.json'), 'utf8'));

  before(async () => {
    buildCli();
    [cluster, s3] = await Promise.all([startCluster(), startS3Server()]);
    await cluster.psql('create database shop');
    await cluster.psql(
      'create table orders as select g as id, md5(g::text) as note from generate_series(1, 2000) g',
      'shop',
    );
    root = workFolder('pgb-schedule-copy-');
    dir = join(root, 'backups');
  });
  after(async () => {
    await Promise.all([destroyCluster(cluster), s3?.stop()]);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes the copy step with the store flags and no credentials', async () => {
    const r = await runCli([
      'schedule',
      cluster.url('shop'),
      '--every',
      'daily',
      '--keep',
      '3',
      '--out',
      dir,
      '--verify',
      'every',
      '--copy-to',
      's3://backups/nightly',
      '--endpoint',
      s3.endpoint,
      '--path-style',
      '--copy-keep',
      '2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Each good dump is copied to s3:\/\/backups\/nightly, keeping the newest 2 of each database there/,
    );
    script = join(dir, 'pg-backup-shop.sh');
    const text = readFileSync(script, 'utf8');
    assert.match(text, /^COPY_TO=\$\{PGBACKUP_COPY_TO:-'s3:\/\/backups\/nightly'\}$/m);
    assert.match(text, new RegExp(`^COPY_FLAGS=\\('--endpoint' '${s3.endpoint}' '--path-style'\\)$`, 'm'));
    assert.match(text, /^COPY_KEEP=2$/m);
    assert.doesNotMatch(text, /AWS_SECRET|AWS_ACCESS_KEY_ID|S3RVER/);
  });

  it('each run drills, copies, reads the copy back and prunes there; status counts the verified copy', async () => {
    for (let run = 0; run < 3; run++) {
      if (run) await sleep(1100); // names carry the second
      const r = await runJob();
      assert.equal(r.status, 0, `run ${run + 1}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stdout,
        /pg-backup-shop: copied .*shop-\d{8}-\d{6}\.dump to s3:\/\/backups\/nightly \(read back, sha256 matched\)/,
      );
    }
    const local = dumps();
    assert.equal(local.length, 3, 'the local retention keeps 3');
    const there = (await remote()).map((b) => b.name).sort();
    assert.deepEqual(there, local.slice(1), '--copy-keep 2: the two newest are off-site');
    const s = status();
    assert.deepEqual(s.copy, { result: 'copied', to: 's3://backups/nightly' });
    assert.deepEqual((await readJobStatus(join(dir, 'pg-backup-shop.status.json')))?.copy, s.copy);
    const sidecar = JSON.parse(readFileSync(join(dir, `${local[2]}.pgbackup.json`), 'utf8'));
    assert.equal(sidecar.copies.length, 1);
    assert.equal(sidecar.copies[0].location, `s3://backups/nightly/${local[2]}`);
    assert.equal(sidecar.copies[0].verified.ok, true, 'the job read the copy back');

    const report = await readStatus({ backupFolders: [dir], logFolders: [], servers: [], override: { rpo: '1h' } });
    const row = report.rows.find((x) => x.database === 'shop')!;
    assert.equal(row.offsite?.copy?.backup, join(dir, local[2]));
    assert.equal(row.offsite?.verdict, 'green');
    const cli = await runCli(['status', '--backups', dir, '--rpo', '1h', '--require-offsite']);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /OFF-SITE/);
    assert.match(cli.stdout, /off-site \d+s ago \(s3:\/\/backups\/nightly\)/);
  });

  it('a failed copy fails the run loudly (exit 3, the reason in the status file) and prunes nothing', async () => {
    const before = dumps();
    await sleep(1100);
    const r = await runJob({ AWS_ACCESS_KEY_ID: 'NOT-A-KEY' });
    assert.equal(r.status, 3, `${r.stdout}${r.stderr}`);
    assert.match(
      r.stderr,
      /pg-backup-shop: the copy of .*shop-\d{8}-\d{6}\.dump to s3:\/\/backups\/nightly failed: Cannot .*the store refused the credentials \(InvalidAccessKeyId\); no backup was pruned/,
    );
    const s = status();
    assert.equal(s.exitCode, 3);
    assert.equal(s.copy.result, 'failed');
    assert.match(s.copy.detail, /refused the credentials/);
    assert.match(s.reason, /^the copy of .* failed: /);
    const now = dumps();
    assert.equal(now.length, 4, 'the local retention did not run');
    for (const b of before) assert.ok(now.includes(b));
    const report = await readStatus({ backupFolders: [dir], logFolders: [], servers: [] });
    const row = report.rows.find((x) => x.database === 'shop')!;
    assert.match(row.scheduledJob?.failure ?? '', /^scheduled job failed \d+s ago: the copy of /);
  });

  it('to a folder: the copy and its read-back, no S3 flags', async () => {
    const offsite = join(root, 'offsite');
    mkdirSync(offsite);
    const folderDir = join(root, 'folder-job');
    const r = await runCli(
      ['schedule', cluster.url('shop'), '--every', 'hourly', '--keep', '2', '--out', folderDir].concat([
        '--copy-to',
        offsite,
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    const job = await run(join(folderDir, 'pg-backup-shop.sh'));
    assert.equal(job.status, 0, job.stdout + job.stderr);
    const copied = readdirSync(offsite).sort();
    assert.equal(copied.length, 2);
    assert.match(copied[0], /^shop-\d{8}-\d{6}\.dump$/);
    assert.equal(copied[1], `${copied[0]}.pgbackup.json`);
  });

  it('the secret key is in no file the jobs wrote: scripts, status files, sidecars, logs, copies', () => {
    assert.doesNotMatch(allText(root), new RegExp(SECRET));
    assert.doesNotMatch(allText(s3.directory), new RegExp(SECRET));
  });
});
