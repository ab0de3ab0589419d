import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StatusReport } from '../../src/core/status/read-status';
import { destroyCluster, PG15_BIN, startArchivingCluster, startCluster, type Cluster } from '../support/cluster';
import { sleep } from '../support/time';
import { workFolder } from '../support/work-folder';

const execFileP = promisify(execFile);

/** The built CLI as cron would run it: exit code, stdout, stderr. */
async function cli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PGPASSWORD: '', PGBACKUP_TOOL_FOLDERS: PG15_BIN };
  const path = join(__dirname, '..', '..', 'dist', 'cli.js');
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [path, ...args], { env, cwd, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const json = (r: { stdout: string }): StatusReport => JSON.parse(r.stdout);

/** Every file below a folder, with its size and mtime: what `status` must leave as it found it. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Moves a dump's time back: its sidecar's `started` and its file times. */
function backdate(path: string, agoMs: number): void {
  const when = new Date(Date.now() - agoMs);
  const sidecar = JSON.parse(readFileSync(`${path}.pgbackup.json`, 'utf8'));
  writeFileSync(`${path}.pgbackup.json`, JSON.stringify({ ...sidecar, started: when.toISOString() }));
  utimesSync(path, when, when);
}

describe('pg-backup status (CLI) on real clusters', function () {
  this.timeout(300_000);
  let shopServer: Cluster;
  let crmServer: Cluster;
  let root: string;
  let archive: string;
  let shopDir: string;
  let crmDir: string;
  let shopDump: string;
  let drillMs: number;

  before(async () => {
    root = workFolder('pgb-status-', 0o755); // the server's OS user writes the WAL archive below it
    archive = join(root, 'wal');
    shopDir = join(root, 'shop-backups');
    crmDir = join(root, 'crm-backups');
    for (const d of [shopDir, crmDir]) mkdirSync(d);
    [shopServer, crmServer] = await Promise.all([startArchivingCluster(archive), startCluster()]);
    await shopServer.psql('create database shop');
    const orders = 'create table orders as select g as id, md5(g::text) as note from generate_series(1, 5000) g';
    await shopServer.psql(orders, 'shop');
    await crmServer.psql('create database crm');
    await crmServer.psql('create table people as select g as id from generate_series(1, 100) g', 'crm');
    const dump = async (c: Cluster, db: string, out: string) => {
      const r = await cli(['dump', c.url(db), '--format', 'custom', '--out', out, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).path as string;
    };
    const older = await dump(shopServer, 'shop', join(shopDir, 'shop-older.dump'));
    backdate(older, 2 * 86_400_000);
    shopDump = await dump(shopServer, 'shop', join(shopDir, 'shop-newest.dump'));
    await dump(crmServer, 'crm', join(crmDir, 'crm.dump'));
    const drill = await cli(['verify', shopDump, '--log', shopDir, '--json']);
    assert.equal(drill.code, 0, drill.stderr);
    drillMs = JSON.parse(drill.stdout).durationMs;
    const seg = await shopServer.psql('select pg_walfile_name(pg_switch_wal())');
    for (let i = 0; i < 300; i++) {
      if ((await shopServer.psql(`select coalesce(last_archived_wal, '') from pg_stat_archiver`)) >= seg) break;
      await sleep(100);
    }
    assert.ok(readdirSync(archive).includes(seg), `${seg} was not archived`);
  });
  after(async () => {
    await Promise.all([destroyCluster(shopServer), destroyCluster(crmServer)]);
    rmSync(root, { recursive: true, force: true });
  });

  it('targets that hold: exit 0, the newest good backup and its drill, and nothing written', async () => {
    const before = snapshot(root);
    const r = await cli(['status', '--backups', shopDir, '--log', shopDir, '--rpo', '1h', '--rto', '10m', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [row, ...rest] = json(r).rows;
    assert.deepEqual(rest, []);
    assert.equal(row.database, 'shop');
    assert.equal(row.newestGood?.path, shopDump);
    assert.deepEqual([row.rpo.verdict, row.rpo.basis], ['green', 'newest good backup']);
    assert.ok(row.rpo.valueMs! >= 0 && row.rpo.valueMs! < 10 * 60_000);
    assert.deepEqual([row.rto.verdict, row.rto.valueMs, row.drill?.passed], ['green', drillMs, true]);
    assert.deepEqual(snapshot(root), before);
    const text = await cli(['status', '--backups', shopDir, '--log', shopDir, '--rpo', '1h', '--rto', '10m']);
    assert.equal(text.code, 0);
    // The server column says "(unknown)" until dumps record their server.
    assert.match(text.stdout.split('\n')[1], /^\S+ +shop +shop-newest\.dump .* passed .*ok .* \/ 1h .*ok .* \/ 10m/);
  });

  it('targets missed by age (red, exit 1), nearly missed (amber, exit 0)', async () => {
    backdate(shopDump, 3 * 3_600_000);
    try {
      const red = await cli(['status', '--backups', shopDir, '--log', shopDir, '--rpo', '1h', '--json']);
      assert.equal(red.code, 1);
      const row = json(red).rows[0];
      assert.equal(row.rpo.verdict, 'red');
      assert.ok(Math.abs(row.rpo.valueMs! - 3 * 3_600_000) < 60_000, String(row.rpo.valueMs));
      const amber = await cli(['status', '--backups', shopDir, '--log', shopDir, '--rpo', '200m', '--json']);
      assert.equal(amber.code, 0);
      assert.equal(json(amber).rows[0].rpo.verdict, 'amber');
    } finally {
      backdate(shopDump, 0);
    }
  });

  it("a target missed by the drill's restore time, and one never proven: exit 1", async () => {
    const half = `${(drillMs / 2000).toFixed(3)}s`;
    const slow = await cli(['status', '--backups', shopDir, '--log', shopDir, '--rto', half]);
    assert.equal(slow.code, 1, slow.stdout);
    assert.match(slow.stdout, /FAIL \d/);
    const never = await cli(['status', '--backups', crmDir, '--rto', '1h', '--json']);
    assert.equal(never.code, 1);
    const row = json(never).rows[0];
    assert.deepEqual([row.database, row.rto.verdict, row.rto.note], ['crm', 'never', 'never proven']);
    assert.equal(row.drill, undefined);
  });

  it('--conn lists every database of each server; where archiving is on the last archived WAL is the RPO', async () => {
    const args = ['status', '--backups', shopDir, '--backups', crmDir, '--log', shopDir];
    const r = await cli([...args, '--conn', shopServer.url(), '--conn', crmServer.url(), '--rpo', '1h', '--json']);
    assert.equal(r.code, 1, r.stderr); // the postgres databases have no backup
    const report = json(r);
    const rows = Object.fromEntries(report.rows.map((x) => [`${x.server}/${x.database}`, x]));
    const shop = rows[`127.0.0.1:${shopServer.port}/shop`];
    const crm = rows[`127.0.0.1:${crmServer.port}/crm`];
    const [c, s] = [crmServer.port, shopServer.port];
    const expected = [`${c}/crm`, `${c}/postgres`, `${s}/postgres`, `${s}/shop`];
    assert.deepEqual(Object.keys(rows).sort(), expected.map((k) => `127.0.0.1:${k}`).sort());
    const last = await shopServer.psql('select last_archived_wal from pg_stat_archiver');
    const walFacts = [shop.rpo.basis, shop.wal?.source, shop.wal?.lastArchivedWal];
    assert.deepEqual(walFacts, ['last archived WAL', 'pg_stat_archiver', last]);
    assert.ok(readdirSync(archive).includes(last));
    assert.equal(shop.rpo.verdict, 'green');
    assert.deepEqual([crm.rpo.basis, crm.wal?.archiving, crm.rpo.verdict], ['newest good backup', false, 'green']);
    assert.deepEqual([rows[`127.0.0.1:${crmServer.port}/postgres`].rpo.verdict, report.problems], ['never', []]);
  });

  it("a server that cannot be asked: its archive folder's newest segment is the RPO, and exit 3", async () => {
    await shopServer.stop();
    try {
      const r = await cli(['status', '--backups', shopDir, '--conn', shopServer.url(), '--archive', archive, '--json']);
      assert.equal(r.code, 3);
      const report = json(r);
      assert.match(report.problems[0], new RegExp(`connection refused`));
      const newest = readdirSync(archive)
        .filter((f) => /^[0-9A-F]{24}$/.test(f))
        .sort()
        .at(-1);
      const row = report.rows.find((x) => x.database === 'shop')!;
      const walFacts = [row.rpo.basis, row.wal?.source, row.wal?.lastArchivedWal];
      assert.deepEqual(walFacts, ['last archived WAL', 'archive folder', newest]);
      assert.ok(newest);
      const text = await cli(['status', '--backups', shopDir, '--conn', shopServer.url(), '--archive', archive]);
      assert.equal(text.code, 3);
      const refused = /^could not read: 127\.0\.0\.1:\d+: Cannot reach PostgreSQL at 127\S+: connection refused\./;
      assert.match(text.stderr, refused);
    } finally {
      await shopServer.start();
    }
  });

  it('takes the targets of a saved connection and its databases; a bad one exits 2 naming it', async () => {
    const cwd = join(root, 'workspace');
    mkdirSync(join(cwd, '.vscode'), { recursive: true });
    const save = (databases: object) => {
      const conn = { name: 'crm', host: '127.0.0.1', port: crmServer.port, user: 'postgres', rpo: '1d', databases };
      writeFileSync(join(cwd, '.vscode', 'settings.json'), JSON.stringify({ 'pgBackup.connections': [conn] }));
    };
    save({ crm: { rpo: '2h', rto: '1m' } });
    const r = await cli(['status', '--backups', crmDir, '--conn', 'crm', '--json'], cwd);
    const rows = Object.fromEntries(json(r).rows.map((x) => [x.database, x]));
    const crm = [rows.crm.connection, rows.crm.rpo.targetMs, rows.crm.rto.targetMs];
    assert.deepEqual(crm, ['crm', 2 * 3_600_000, 60_000]);
    assert.deepEqual([rows.postgres.rpo.targetMs, rows.postgres.rto.verdict], [86_400_000, 'unset']);
    assert.equal(r.code, 1); // crm was never drilled, postgres never dumped
    save({ crm: { rto: '1 minute' } });
    const bad = await cli(['status', '--backups', crmDir, '--conn', 'crm'], cwd);
    const first = bad.stderr.split('\n')[0];
    assert.deepEqual([bad.code, first], [2, 'pg-backup status: Invalid rto "1 minute" for database "crm".']);
  });

  it('bad usage exits 2 with one specific first line; an unreadable folder exits 3', async () => {
    const bad = await cli(['status', '--backups', shopDir, '--rpo', 'soon']);
    assert.deepEqual([bad.code, bad.stderr.split('\n')[0]], [2, 'pg-backup status: Invalid --rpo "soon".']);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    const archiveAlone = await cli(['status', '--archive', archive]);
    assert.match(archiveAlone.stderr, /^pg-backup status: --archive DIR is the WAL archive of one server/);
    assert.equal(archiveAlone.code, 2);
    assert.equal((await cli(['status', 'extra'])).code, 2);
    const missing = await cli(['status', '--backups', join(root, 'nowhere')]);
    const why = `could not read: Cannot read backup folder ${join(root, 'nowhere')}: it does not exist.`;
    assert.deepEqual([missing.code, missing.stderr.trim()], [3, why]);
  });
});
