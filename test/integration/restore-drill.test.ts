/**
 * The logical restore drill end to end on PostgreSQL 15: the sample shop (FKs, an index, a trigger, a sequence, a
 * view, a few hundred rows, a table owned by a role) dumped by our dump core in every format, then drilled on a
 * throwaway cluster and in a scratch database on the running server; damaged dumps fail the drill with the
 * reason, a cancel leaves nothing behind, and the CLI logs each drill and exits by the contract.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { verifyCommand } from '../../src/cli/commands/verify';
import { main } from '../../src/cli/main';
import { parseConnectionString } from '../../src/core/connection/profile';
import { drillReport } from '../../src/core/drill/drill-report';
import { runRestoreDrill, type RestoreDrillOptions } from '../../src/core/drill/restore-drill';
import { drillToolSet } from '../../src/core/drill/server-tools';
import { dumpDatabase, sidecarPath, type DumpFormat } from '../../src/core/dump';
import { CancelledError, PgBackupError } from '../../src/core/errors';
import { discoverTools, type ToolSet } from '../../src/core/tools/discover';
import { destroyCluster, PG15_BIN, startCluster, type Cluster } from '../support/cluster';
import { captureIo } from '../support/io';
import { createShop, rowCounts, tcp } from './dump-fixture';
import { workFolder } from '../support/work-folder';

const DB = 'shop';
const FORMATS: DumpFormat[] = ['custom', 'directory', 'tar', 'plain'];

describe('restore drill (PostgreSQL 15)', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let work: string;
  let scratchParent: string;
  let toolSets: ToolSet[];
  let sourceRows: Record<string, number>;
  const dumps = {} as Record<DumpFormat, string>;

  before(async () => {
    work = workFolder('pgb-restore-drill-', 0o755);
    scratchParent = join(work, 'scratch');
    mkdirSync(scratchParent);
    cluster = await startCluster();
    await createShop(cluster, DB);
    // An owner the throwaway cluster does not have: a plain dump's ALTER … OWNER TO fails there (a warning).
    await cluster.psql('create role shop_owner; alter table shop.products owner to shop_owner', DB);
    const { 'large objects': _lo, ...tables } = await rowCounts(cluster, DB);
    sourceRows = tables;
    toolSets = await discoverTools([PG15_BIN]);
    for (const format of FORMATS) {
      const ext = { custom: '.dump', directory: '', tar: '.tar', plain: '.sql' }[format];
      dumps[format] = (
        await dumpDatabase({ params: tcp(cluster, DB), options: { format }, out: join(work, `shop-${format}${ext}`) })
      ).path;
    }
  });

  after(async () => {
    await destroyCluster(cluster);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const drill = (path: string, extra: Partial<RestoreDrillOptions> = {}) =>
    runRestoreDrill({ path, toolSets, scratchParent, ...extra });
  const onServer = () => ({ params: parseConnectionString(cluster.url()).params });
  const scratchDatabases = () =>
    cluster.psql(`select string_agg(datname, ',') from pg_database where datname like 'pgbackup\\_drill\\_%'`);
  const strayServers = () =>
    execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((l) => l.includes(scratchParent));
  const rowsOf = (r: Awaited<ReturnType<typeof drill>>) =>
    Object.fromEntries(
      r.tables.map((t) => [`${t.schema}.${/^[a-z_]+$/.test(t.name) ? t.name : `"${t.name}"`}`, t.rows]),
    );

  afterEach(async () => {
    assert.deepEqual(readdirSync(scratchParent), [], 'no scratch folder is left');
    assert.deepEqual(strayServers(), [], 'no throwaway server is left running');
    assert.equal(await scratchDatabases(), '', 'no scratch database is left');
  });

  it('starts from a shop with FKs, a trigger, a view, a sequence and a few hundred rows', () => {
    assert.ok(sourceRows['shop.customers'] === 200 && sourceRows['shop.orders'] === 500, JSON.stringify(sourceRows));
    for (const f of FORMATS) assert.ok(statSync(sidecarPath(dumps[f])).isFile(), `${f} has a sidecar`);
  });

  for (const format of FORMATS) {
    it(`drills a ${format} dump on a throwaway cluster: passes, with the source's row counts`, async () => {
      const steps: [string, number][] = [];
      const r = await drill(dumps[format], { onProgress: (s, p) => steps.push([s, p]) });
      assert.equal(r.passed, true, r.problems.join('\n'));
      assert.deepEqual(r.problems, []);
      assert.equal(r.checksum, 'verified');
      assert.equal(r.where.kind, 'throwaway-cluster');
      assert.equal(r.where.major, 15);
      assert.match(r.where.database, /^pgbackup_drill_shop_\d{14}$/);
      // The first drill may build the initdb template; every later one copies it.
      if (format !== FORMATS[0]) {
        assert.equal(r.where.kind === 'throwaway-cluster' && r.where.dataDir, 'template-reused');
        assert.match(drillReport(r), /a throwaway PostgreSQL 15 \(copied from the cached initdb template\)/);
      }
      assert.deepEqual(rowsOf(r), sourceRows);
      assert.equal(
        r.totalRows,
        Object.values(sourceRows).reduce((a, b) => a + b, 0),
      );
      assert.ok(
        ['checksum', 'prepare', 'restore', 'compare', 'count'].every(
          (ph) => typeof r.phases[ph as keyof typeof r.phases] === 'number',
        ),
        JSON.stringify(r.phases),
      );
      assert.ok(
        steps.every(([, p], i) => i === 0 || p >= steps[i - 1][1]),
        'percent never goes backwards',
      );
      if (format === 'plain') {
        assert.equal(r.objects.expected, undefined);
        assert.equal(r.objects.counts.TABLE, 5);
        assert.equal(r.objects.counts.VIEW, 2); // order_totals, price_list
        assert.equal(r.objects.counts.TRIGGER, 2); // order_items_total, products_touch
        assert.ok(r.restore.warningCount >= 1, 'the missing owner is a warning');
        assert.match(r.warnings.join('\n'), /roles that do not exist here/);
      } else {
        assert.deepEqual(r.objects.missing, []);
        assert.ok((r.objects.expected ?? 0) >= 15, `checked ${r.objects.expected} objects`);
        assert.equal(r.restore.errorCount, 0);
      }
      console.log(`      ${format}: ${r.durationMs} ms (${JSON.stringify(r.phases)})`);
    });
  }

  it('counts the objects of a plain --create dump in the database it made for itself, as for a plain dump without it', async () => {
    const dir = join(work, 'create');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const file = join(dir, 'shop-create.sql');
    await cluster.pgDump(DB, ['--create', '-f', file]);
    const [withCreate, without] = [await drill(file), await drill(dumps.plain)];
    assert.equal(withCreate.passed, true, withCreate.problems.join('\n'));
    assert.equal(withCreate.objects.counts.TABLE, 5);
    assert.deepEqual(withCreate.objects.counts, without.objects.counts);
    assert.deepEqual(rowsOf(withCreate), sourceRows);
  });

  it('restores with parallel jobs when asked, and refuses them for a tar or plain dump with the reason', async () => {
    const r = await drill(dumps.directory, { jobs: 2 });
    assert.equal(r.passed, true, r.problems.join('\n'));
    assert.equal(r.tools.restore.jobs, 2);
    assert.deepEqual(rowsOf(r), sourceRows);
    assert.match(drillReport(r), /with pg_restore 15\.\d+, 2 jobs/);
    await assert.rejects(drill(dumps.tar, { jobs: 2 }), /--jobs does not work with a tar archive/);
    await assert.rejects(drill(dumps.plain, { jobs: 2 }), /--jobs does not work with a plain SQL dump/);
  });

  it('drills into a scratch database on the running server and drops it afterwards', async () => {
    const r = await drill(dumps.custom, { server: onServer() });
    assert.equal(r.passed, true, r.problems.join('\n'));
    assert.equal(r.where.kind, 'scratch-database');
    assert.deepEqual(rowsOf(r), sourceRows);
    assert.ok(r.tables.every((t) => t.database === r.where.database));
    assert.equal(r.restore.warningCount, 0, 'the owner role exists on the source server');
    console.log(`      --conn custom: ${r.durationMs} ms`);
  });

  it('fails a dump whose sidecar checksum does not match, and says whether it still restores', async () => {
    const copy = join(work, 'tampered.dump');
    copyFileSync(dumps.custom, copy);
    copyFileSync(sidecarPath(dumps.custom), sidecarPath(copy));
    appendFileSync(copy, Buffer.from([0]));
    const r = await drill(copy);
    assert.equal(r.passed, false);
    assert.equal(r.checksum, 'mismatch');
    assert.match(r.problems[0], /checksum does not match the sha256 recorded in tampered\.dump\.pgbackup\.json/);
    assert.deepEqual(rowsOf(r), sourceRows, 'the file still restores');
  });

  it('refuses a custom dump truncated in its data as bad input, naming the table, restoring nothing', async () => {
    const cut = join(work, 'truncated.dump');
    copyFileSync(dumps.custom, cut);
    truncateSync(cut, Math.floor(statSync(cut).size * 0.9));
    const named =
      /truncated\.dump is truncated: the data of table shop\.\w+ \(entry \d+\) (starts at byte \d+, past the end|ends at byte \d+ of its block)/;
    await assert.rejects(drill(cut), (e: PgBackupError) => e.kind === 'input' && named.test(e.message));
  });

  it('refuses a custom dump truncated in its table of contents as bad input', async () => {
    const cut = join(work, 'truncated-toc.dump');
    copyFileSync(dumps.custom, cut);
    truncateSync(cut, Math.floor(statSync(cut).size * 0.3));
    await assert.rejects(
      drill(cut),
      (e: PgBackupError) =>
        e.kind === 'input' &&
        /truncated-toc\.dump is truncated: the table of contents ends after \d+ of \d+ entries/.test(e.message),
    );
  });

  it('names a table whose data failed to load and came back empty', async () => {
    // A check calling a function that reads another table: a classic dump that does not restore, because
    // pg_dump cannot see the function's dependency and loads a_checked's data before z_allowed's.
    await cluster.psql('create database fragile');
    await cluster.psql(
      `create table public.z_allowed (v int);
       create function public.allowed(v int) returns boolean language sql stable as 'select exists (select 1 from public.z_allowed where v = $1)';
       create table public.a_checked (x int check (public.allowed(x)));
       insert into public.z_allowed values (1), (2); insert into public.a_checked values (1), (2)`,
      'fragile',
    );
    const path = (
      await dumpDatabase({
        params: tcp(cluster, 'fragile'),
        options: { format: 'custom' },
        out: join(work, 'fragile.dump'),
      })
    ).path;
    const r = await drill(path);
    assert.equal(r.passed, false);
    assert.deepEqual(r.emptyAfterError, ['public.a_checked']);
    assert.equal(r.tables.find((t) => t.name === 'z_allowed')?.rows, 2);
    assert.match(
      r.problems.join('\n'),
      /pg_restore reported 1 error; the first: COPY failed for table "a_checked": .*violates check constraint/,
    );
    assert.match(r.problems.join('\n'), /public\.a_checked came back empty after an error restoring its data/);
  });

  it('refuses a plain dump that switches databases itself when drilling on a server', async () => {
    const created = join(work, 'created.sql');
    writeFileSync(
      created,
      `-- PostgreSQL database dump\nCREATE DATABASE other;\n\\connect other\ncreate table t (x int);\n`,
    );
    await assert.rejects(
      drill(created, { server: onServer() }),
      (e: PgBackupError) => e.kind === 'input' && /switches databases itself \(\\connect other\)/.test(e.message),
    );
  });

  for (const where of ['throwaway cluster', 'scratch database'] as const) {
    it(`cancelled mid-restore on a ${where}, leaves no database, cluster or folder`, async () => {
      const ac = new AbortController();
      const steps: string[] = [];
      const onProgress = (step: string) => {
        steps.push(step);
        // "Restoring: <item>" comes from pg_restore's own output: it is running.
        if (step.startsWith('Restoring: ')) ac.abort();
      };
      await assert.rejects(
        drill(dumps.directory, {
          signal: ac.signal,
          onProgress,
          server: where === 'scratch database' ? onServer() : undefined,
        }),
        CancelledError,
      );
      assert.ok(steps.some((s) => s.startsWith('Restoring: ')));
      assert.ok(!steps.includes('Counting rows'), 'the drill stopped at the restore');
    });
  }

  describe('choosing the tools', () => {
    const pg15 = () => toolSets.find((t) => t.major === 15)!;
    const as = (major: number): ToolSet => ({ ...pg15(), major, version: `${major}.0` });

    it("prefers the dump's own server major, else the lowest newer one", () => {
      assert.equal(drillToolSet([as(18), as(15), as(16)], 15, 'same-or-newer').major, 15);
      assert.equal(drillToolSet([as(18), as(16)], 14, 'same-or-newer').major, 16);
      assert.throws(
        () => drillToolSet([as(15)], 16, 'same-or-newer'),
        /needs a PostgreSQL 16 or newer server \(initdb and pg_ctl\); found only 15/,
      );
    });

    it('refuses an archive newer than the newest pg_restore, naming both versions', async () => {
      await assert.rejects(
        drill(dumps.custom, { toolSets: [as(14)] }),
        (e: PgBackupError) =>
          e.kind === 'tool-version' && /made by pg_dump 15\.\d+.*newer than pg_restore 14\.0/.test(e.message),
      );
    });

    it('refuses a throwaway drill of a dump from a server newer than any installed', async () => {
      const newer = join(work, 'from-18.sql');
      writeFileSync(
        newer,
        readFileSync(dumps.plain, 'utf8').replace(
          /^-- Dumped from database version \S+/m,
          '-- Dumped from database version 18.1',
        ),
      );
      await assert.rejects(
        drill(newer),
        (e: PgBackupError) => e.kind === 'tool-missing' && /PostgreSQL 18 or newer server/.test(e.message),
      );
    });
  });

  describe('pg-backup verify', () => {
    let logDir: string;
    before(() => {
      logDir = join(work, 'logs');
      mkdirSync(logDir);
    });

    it('exits 0 for a dump that restores, and logs one line to each log file', async () => {
      const io = captureIo();
      assert.equal(await verifyCommand.run([dumps.tar, '--log', logDir], io), 0);
      assert.match(
        io.stdout[0],
        /^Restore drill PASSED: shop-tar\.tar\n {2}where: {4}a throwaway PostgreSQL 15, restored with pg_restore 15/,
      );
      assert.match(io.stdout[0], /tables: {3}5, 1,952 rows|tables: {3}5, [\d,]+ rows/);
      const md = readFileSync(join(logDir, '.pgbackup', 'drills.md'), 'utf8')
        .trim()
        .split('\n');
      const jsonl = readFileSync(join(logDir, '.pgbackup', 'drills.jsonl'), 'utf8')
        .trim()
        .split('\n');
      assert.equal(md.length, 1);
      assert.equal(jsonl.length, 1);
      assert.match(
        md[0],
        /^- \d{4}-\d\d-\d\d \d\d:\d\d UTC · PASSED · shop-tar\.tar · restored in [\d.]+s on a throwaway PostgreSQL 15 · 5 tables, [\d,]+ rows · 0 errors$/,
      );
      assert.equal(JSON.parse(jsonl[0]).passed, true);
    });

    it('exits 1 when the drill finds a problem, logs it as FAILED, and prints JSON with --json', async () => {
      const copy = join(work, 'cli-tampered.dump');
      cpSync(dumps.custom, copy);
      cpSync(sidecarPath(dumps.custom), sidecarPath(copy));
      appendFileSync(copy, 'x');
      const io = captureIo();
      assert.equal(await verifyCommand.run([copy, '--log', logDir, '--json', '--conn', cluster.url()], io), 1);
      const r = JSON.parse(io.stdout.join(''));
      assert.equal(r.passed, false);
      assert.equal(r.where.kind, 'scratch-database');
      assert.match(r.problems[0], /checksum/);
      assert.match(r.log.markdown, /drills\.md$/);
      const md = readFileSync(join(logDir, '.pgbackup', 'drills.md'), 'utf8')
        .trim()
        .split('\n');
      assert.equal(md.length, 2);
      assert.match(md[1], / · FAILED · cli-tampered\.dump · .* · problems: The checksum does not match/);
      assert.equal(
        readFileSync(join(logDir, '.pgbackup', 'drills.jsonl'), 'utf8')
          .trim()
          .split('\n').length,
        2,
      );
    });

    it('exits 2 with one clear line for a missing file or a file that is not a dump, and logs nothing', async () => {
      const garbage = join(work, 'garbage.dump');
      writeFileSync(garbage, 'this is not a dump at all, just some text\n');
      for (const [path, why] of [
        [join(work, 'nope.dump'), /nope\.dump does not exist\./],
        [garbage, /garbage\.dump is not a pg_dump archive/],
      ] as const) {
        const io = captureIo();
        assert.equal(await main(['verify', path, '--log', logDir], io), 2);
        assert.match(io.stderr[0], /^pg-backup verify: /);
        assert.match(io.stderr[0], why);
      }
      assert.equal(
        readFileSync(join(logDir, '.pgbackup', 'drills.md'), 'utf8')
          .trim()
          .split('\n').length,
        2,
        'nothing logged',
      );
    });

    it('exits 2 for bad usage and 3 when the server cannot be reached', async () => {
      assert.equal(await main(['verify'], captureIo()), 2);
      assert.equal(await main(['verify', dumps.custom, '--log', logDir, '--no-log'], captureIo()), 2);
      const io = captureIo();
      assert.equal(
        await main(['verify', dumps.custom, '--no-log', '--conn', 'postgresql://postgres@127.0.0.1:1/postgres'], io),
        3,
      );
      assert.match(io.stderr[0], /Cannot reach PostgreSQL at 127\.0\.0\.1:1/);
    });
  });
});
