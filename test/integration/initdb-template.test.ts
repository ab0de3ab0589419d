/**
 * The initdb template behind throwaway drill clusters, on real PostgreSQL 15 (and 18 for a second build): the
 * first cluster builds it, the next copy it (faster) and are the same as a plain initdb's; a damaged or removed
 * template is built again without failing a drill; concurrent first drills share one; a cancel mid-build leaves
 * nothing half-made; a changed initdb binary gets a new template; a folder that is not private is not used.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { withClient } from '../../src/core/connection/client';
import { drillToolSet } from '../../src/core/drill/server-tools';
import {
  withScratchCluster,
  type ScratchClusterInfo,
  type ScratchClusterOptions,
} from '../../src/core/drill/scratch-cluster';
import { CancelledError } from '../../src/core/errors';
import { discoverTools, type ToolSet } from '../../src/core/tools/discover';
import { embeddedBin, PG15_BIN } from '../support/cluster';
import { workFolder } from '../support/work-folder';

const isRoot = process.getuid?.() === 0;
const serverUid = isRoot ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : process.getuid!();

/** What a drill could notice about its cluster. */
const FACTS = `select json_build_object(
  'databases', (select json_agg(datname order by datname) from pg_database),
  'roles', (select json_agg(rolname order by rolname) from pg_roles where rolname !~ '^pg_'),
  'settings', (select json_object_agg(name, setting order by name) from pg_settings
               where name in ('server_encoding', 'lc_collate', 'lc_ctype', 'data_checksums', 'fsync', 'full_page_writes',
                              'synchronous_commit', 'listen_addresses', 'TimeZone', 'default_text_search_config', 'max_connections')),
  'tables', (select count(*) from pg_class where relkind = 'r')
)::text as facts`;

describe('initdb template of throwaway drill clusters', function () {
  this.timeout(300_000);
  let work: string;
  let scratchParent: string;
  let templateFolder: string;
  let pg15: ToolSet;

  before(async () => {
    work = workFolder('pgb-initdb-template-', 0o755);
    scratchParent = join(work, 'scratch');
    mkdirSync(scratchParent);
    // The server's user makes the templates' folder itself: give it a parent it may write to.
    const parent = join(work, 'cache');
    mkdirSync(parent, { mode: 0o700 });
    if (isRoot) chownSync(parent, serverUid, serverUid);
    templateFolder = join(parent, 'templates');
    pg15 = drillToolSet(await discoverTools([PG15_BIN]), 15, 'same-or-newer');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  afterEach(() => {
    assert.deepEqual(readdirSync(scratchParent), [], 'no scratch folder is left');
    assert.deepEqual(
      readdirSync(templateFolder).filter((e) => e.includes('.')),
      [],
      'no build or drop folder is left',
    );
  });

  const templates = () => readdirSync(templateFolder).filter((e) => !e.includes('.'));

  /** One throwaway cluster: how its data directory was made, and what a client sees in it. */
  async function cluster(extra: Partial<ScratchClusterOptions> = {}): Promise<ScratchClusterInfo & { facts: unknown }> {
    return withScratchCluster({ toolSet: pg15, scratchParent, templateFolder, ...extra }, async (params, info) => {
      const facts = await withClient(params, {}, async (c) =>
        JSON.parse((await c.query<{ facts: string }>(FACTS)).rows[0].facts),
      );
      return { ...info, facts };
    });
  }

  let fromInitdb: unknown;

  it('builds the template on the first drill, in a private folder of the server user, and copies it on the next (faster)', async () => {
    const first = await cluster();
    assert.equal(first.dataDir, 'template-built');
    const [name] = templates();
    assert.match(name, /^pg15-[0-9a-f]{8}-[0-9a-f]{16}$/);
    for (const dir of [templateFolder, join(templateFolder, name)]) {
      const st = statSync(dir);
      assert.equal(st.uid, serverUid, `${dir} belongs to the server's user`);
      assert.equal(st.mode & 0o777, 0o700, `${dir} is private`);
    }
    const reused = [await cluster(), await cluster()];
    for (const r of reused) assert.equal(r.dataDir, 'template-reused');
    assert.deepEqual(templates(), [name], 'still one template');
    const fastest = Math.min(...reused.map((r) => r.initdbMs));
    console.log(
      `      built: ${first.initdbMs} ms (+ start ${first.startMs} ms); reused: ${reused.map((r) => `${r.initdbMs} ms (+ start ${r.startMs} ms)`).join(', ')}`,
    );
    assert.ok(
      fastest < first.initdbMs,
      `a copy (${fastest} ms) is faster than initdb and a copy (${first.initdbMs} ms)`,
    );
  });

  it('gives the same cluster as a plain initdb, which reuseInitdb: false still runs', async () => {
    const before = templates();
    const plain = await cluster({ reuseInitdb: false });
    assert.equal(plain.dataDir, 'initdb');
    const copied = await cluster();
    assert.equal(copied.dataDir, 'template-reused');
    assert.deepEqual(copied.facts, plain.facts);
    assert.equal(
      (plain.facts as { settings: Record<string, string> }).settings.fsync,
      'off',
      'drill settings are appended as before',
    );
    assert.equal((plain.facts as { settings: Record<string, string> }).settings.listen_addresses, '');
    assert.deepEqual(templates(), before, 'reuseInitdb: false leaves the templates alone');
    fromInitdb = plain.facts;
  });

  it('drops a damaged template, runs initdb for that drill instead, and builds the template again on the next', async () => {
    const [name] = templates();
    rmSync(join(templateFolder, name, 'global', 'pg_control'));
    const lines: string[] = [];
    const damaged = await cluster({ log: (l) => lines.push(l) });
    assert.equal(damaged.dataDir, 'initdb');
    assert.deepEqual(damaged.facts, fromInitdb);
    assert.match(lines.join('\n'), /did not give a working cluster .*dropped, running initdb instead/);
    assert.deepEqual(templates(), [], 'the damaged template is gone');
    assert.equal((await cluster()).dataDir, 'template-built');
    assert.deepEqual(templates(), [name], 'the same initdb makes the same template name');
    assert.equal((await cluster()).dataDir, 'template-reused');
  });

  it('builds a removed template again', async () => {
    const [name] = templates();
    rmSync(join(templateFolder, name), { recursive: true });
    const r = await cluster();
    assert.equal(r.dataDir, 'template-built');
    assert.deepEqual(r.facts, fromInitdb);
    assert.deepEqual(templates(), [name]);
  });

  it('lets concurrent first drills each start a cluster and keeps one whole template', async () => {
    rmSync(join(templateFolder, templates()[0]), { recursive: true });
    const all = await Promise.all([cluster(), cluster(), cluster()]);
    for (const r of all) assert.deepEqual(r.facts, fromInitdb);
    assert.ok(
      all.some((r) => r.dataDir === 'template-built'),
      JSON.stringify(all.map((r) => r.dataDir)),
    );
    assert.equal(templates().length, 1);
    assert.equal((await cluster()).dataDir, 'template-reused');
  });

  it('leaves no half template when a drill is cancelled while the template is built', async () => {
    rmSync(join(templateFolder, templates()[0]), { recursive: true });
    const ac = new AbortController();
    const lines: string[] = [];
    const drill = cluster({
      signal: ac.signal,
      log: (l) => (lines.push(l), /\.build-/.test(l) && setTimeout(() => ac.abort(), 300)),
    });
    await assert.rejects(drill, CancelledError);
    assert.ok(
      lines.some((l) => /\.build-[0-9a-f]+/.test(l)),
      'the cancel landed during the build',
    );
    assert.deepEqual(readdirSync(templateFolder), [], 'neither a template nor a build is left');
    assert.equal((await cluster()).dataDir, 'template-built');
  });

  it('makes a new template when the initdb binary changes, and drops the old one of that binary', async () => {
    const installed = join(work, 'pg18');
    execFileSync('cp', ['-a', join(embeddedBin(), '..'), installed]);
    execFileSync('chmod', ['-R', 'a+rX', installed]);
    const bin = join(installed, 'bin');
    const pg18: ToolSet = {
      major: 18,
      version: '18',
      dir: bin,
      tools: { initdb: join(bin, 'initdb'), pg_ctl: join(bin, 'pg_ctl') },
    };
    const pg15Templates = templates();
    assert.equal((await cluster({ toolSet: pg18 })).dataDir, 'template-built');
    const [old18] = templates().filter((t) => t.startsWith('pg18-'));
    assert.equal((await cluster({ toolSet: pg18 })).dataDir, 'template-reused');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(bin, 'initdb'), later, later);
    assert.equal((await cluster({ toolSet: pg18 })).dataDir, 'template-built', 'a changed binary is a new template');
    const now18 = templates().filter((t) => t.startsWith('pg18-'));
    assert.equal(now18.length, 1, 'the old template of that binary is dropped');
    assert.notEqual(now18[0], old18);
    assert.equal(now18[0].slice(0, 13), old18.slice(0, 13), 'same binary path');
    assert.deepEqual(
      templates().filter((t) => t.startsWith('pg15-')),
      pg15Templates,
      "PostgreSQL 15's template is kept",
    );
  });

  it('runs initdb when the templates folder is not private to the server user', async () => {
    chmodSync(templateFolder, 0o755);
    try {
      const lines: string[] = [];
      const r = await cluster({ log: (l) => lines.push(l) });
      assert.equal(r.dataDir, 'initdb');
      assert.deepEqual(r.facts, fromInitdb);
      assert.match(lines.join('\n'), /is not a private folder of uid \d+: initdb templates are not used/);
    } finally {
      chmodSync(templateFolder, 0o700);
    }
  });
});
