/**
 * Drills as root with a private temp folder (TMPDIR=/root/tmp, mode 0700: dev containers that run the editor as
 * root): the throwaway server runs as `postgres`, which cannot enter that folder, so its cluster goes where that
 * user can reach it. A server that cannot start says so with its own reason, not that recovery stopped early.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCommand } from '../../src/cli/commands/verify';
import { parseConnectionString } from '../../src/core/connection/profile';
import { drillToolSet, runPitrDrill } from '../../src/core/drill/pitr-drill';
import { dumpDatabase } from '../../src/core/dump';
import { PgBackupError } from '../../src/core/errors';
import { readBaseBackup, type BaseBackupInfo } from '../../src/core/physical/base-backup-info';
import { takeBaseBackup } from '../../src/core/physical/basebackup';
import type { PitrModel } from '../../src/core/pitr/model';
import { discoverTools, type ToolSet } from '../../src/core/tools/discover';
import { APP_SCHEMAS, loadAppSchema } from '../support/app-schemas';
import { destroyCluster, PG15_BIN, startArchivingCluster, type Cluster } from '../support/cluster';
import { captureIo } from '../support/io';
import { sleep } from '../support/time';

describe('drills as root with a private temp folder (PostgreSQL 15)', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let work: string;
  let privateTmp: string;
  let archive: string;
  let dump: string;
  let backup: BaseBackupInfo;
  let toolSet: ToolSet;
  const savedTmp = process.env.TMPDIR;
  /**
   * Scratch folders of drills, wherever they were made: other tests on this machine may drill at the same time,
   * so a test looks only at the folders that appeared while it ran.
   */
  const scratchFolders = () =>
    [privateTmp, '/tmp', '/var/tmp'].flatMap((d) =>
      readdirSync(d)
        .filter((n) => n.startsWith('pgb-drill-'))
        .map((n) => join(d, n)),
    );
  let existing: Set<string>;
  /** Servers whose data directory is in a folder that was not there before the test and is gone now. */
  const strayServers = () =>
    execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .map((l) => /postgres -D (\S*\/pgb-drill-[^/\s]+)/.exec(l)?.[1])
      .filter((d): d is string => !!d && !existing.has(d) && (d.startsWith(privateTmp) || !existsSync(d)));

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    work = mkdtempSync(join(tmpdir(), 'pgb-private-tmp-test-'));
    chmodSync(work, 0o755);
    archive = join(work, 'archive');
    cluster = await startArchivingCluster(archive);
    await loadAppSchema(cluster, 'rails', 'rails');
    toolSet = drillToolSet(await discoverTools([PG15_BIN]), 15);
    const params = parseConnectionString(cluster.url('rails')).params;
    dump = (await dumpDatabase({ params, options: { format: 'custom' }, out: join(work, 'rails.dump') })).path;
    await takeBaseBackup({ params, options: { format: 'plain' }, out: join(work, 'base'), toolSet });
    backup = await readBaseBackup(join(work, 'base'));
    await cluster.psql("insert into public.tags (name) values ('after the backup')", 'rails');
    const switched = await cluster.psql('select pg_walfile_name(pg_switch_wal())');
    for (let i = 0; i < 300; i++) {
      if ((await cluster.psql(`select coalesce(last_archived_wal, '') from pg_stat_archiver`)) >= switched) break;
      await sleep(100);
    }
    // Root's own temp folder, as in the demo container: nobody else may enter it.
    privateTmp = join(work, 'root-tmp');
    mkdirSync(privateTmp, { mode: 0o700 });
    process.env.TMPDIR = privateTmp;
  });

  after(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await destroyCluster(cluster);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    existing = new Set(scratchFolders());
  });
  afterEach(() => {
    assert.deepEqual(
      scratchFolders().filter((d) => !existing.has(d)),
      [],
      'no scratch folder is left',
    );
    assert.deepEqual(strayServers(), [], 'no throwaway server is left running');
  });

  const model: PitrModel = {
    serverMajor: 15,
    target: { kind: 'latest' },
    inclusive: true,
    timeline: 'latest',
    action: 'promote',
    source: { kind: 'cp', dir: '' },
  };

  it('the temp folder is private to root', () => {
    assert.equal(tmpdir(), privateTmp);
    assert.equal(statSync(privateTmp).mode & 0o777, 0o700);
    assert.throws(() => execFileSync('runuser', ['-u', 'postgres', '--', 'ls', privateTmp], { stdio: 'pipe' }));
  });

  it('pg-backup verify of a dump passes, with the rows of the Rails schema', async () => {
    const io = captureIo();
    assert.equal(await verifyCommand.run([dump, '--no-log', '--json'], io), 0, io.stdout.join('\n'));
    const result = JSON.parse(io.stdout.join('\n'));
    assert.equal(result.passed, true, JSON.stringify(result.problems));
    const rows = Object.fromEntries(
      result.tables.map((t: { schema: string; name: string; rows: number }) => [`${t.schema}.${t.name}`, t.rows]),
    );
    for (const [table, n] of Object.entries(APP_SCHEMAS.rails.rows)) assert.equal(rows[table], n, table);
  });

  it('a PITR drill recovers the backup to the end of the archive', async () => {
    const r = await runPitrDrill({ backup, model: { ...model, source: { kind: 'cp', dir: archive } }, toolSet });
    assert.deepEqual([r.reachedTarget, r.end], [true, 'promoted']);
    assert.equal(
      r.tables.find((t) => t.schema === 'public' && t.name === 'tags')?.rows,
      APP_SCHEMAS.rails.rows['public.tags'] + 1,
    );
    assert.equal(r.tables.find((t) => t.schema === 'public' && t.name === 'users')?.rows, 300);
  });

  it('a drill server that cannot start is reported as a start failure with its reason', async () => {
    // The scratch folder asked for inside the private folder: the server's user cannot reach its data directory.
    const drill = runPitrDrill({
      backup,
      model: { ...model, source: { kind: 'cp', dir: archive } },
      toolSet,
      scratchParent: privateTmp,
    });
    await assert.rejects(drill, (e: PgBackupError) => {
      assert.match(e.message, /^The throwaway PostgreSQL 15 server did not start: .*Permission denied/);
      assert.doesNotMatch(e.message, /stopped before reaching the target/);
      assert.equal(e.kind, 'tool-failed');
      return true;
    });
  });
});
