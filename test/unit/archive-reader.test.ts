import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectArchiveFormat } from '../../src/core/archive/detect';
import { isRestorable, listLine, renderListFile } from '../../src/core/archive/list-file';
import { readArchive } from '../../src/core/archive/read-archive';
import { WindowText } from '../../src/core/archive/window-text';
import { PgBackupError } from '../../src/core/errors';
import { sampleEntries, writeCustom, writeToc, writeTar, type FixtureSpec } from './archive-writer';

const FIXTURES = join(__dirname, '..', 'fixtures', 'archive');

async function inputError(p: Promise<unknown>): Promise<PgBackupError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PgBackupError, `expected a PgBackupError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('archive reader', () => {
  let dir: string;
  const file = (name: string, bytes: Buffer | string) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const spec16: FixtureSpec = {
    version: [1, 16, 0],
    compression: 'zstd',
    entries: sampleEntries(),
    pgDumpVersion: '17.2',
    serverVersion: '17.2',
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-archive-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('archive 1.16 (pg_dump 17+, fixture built from WriteHead/WriteToc)', () => {
    it('reads the compression method byte, the versions and the dump time', async () => {
      const a = await readArchive(file('v1.16-custom-zstd.dump', writeCustom(spec16)));
      assert.equal(a.format, 'custom');
      assert.deepEqual(a.version, { major: 1, minor: 16, rev: 0 });
      assert.deepEqual(a.compression, { method: 'zstd', level: null });
      assert.equal(a.created.local, '2026-01-02 03:04:05');
      assert.equal(a.pgDumpVersion, '17.2');
      assert.equal(a.database, 'db');
    });

    it('reads every entry field, relkind and table access method included', async () => {
      const a = await readArchive(file('v1.16-fields.dump', writeCustom(spec16)));
      assert.equal(a.toc.count, 4);
      const [schema, table, data, comment] = a.toc.entries();
      assert.equal(schema.namespace, null);
      assert.equal(table.relkind, 'r');
      assert.equal(table.tableam, 'heap');
      assert.deepEqual(table.dependencies, [1]);
      assert.equal(table.tableOid, 1259);
      assert.equal(table.oid, 16388);
      assert.equal(data.desc, 'TABLE DATA');
      assert.equal(data.hadDumper, true);
      assert.equal(data.section, 'data');
      assert.equal(data.dataState, 'set');
      assert.equal(data.dataOffset, 777);
      assert.equal(table.dataState, 'not-set');
      assert.equal(comment.section, 'none');
      assert.equal(comment.defn, "COMMENT ON TABLE app.products IS 'x\ny';");
    });

    it('reads integers and offsets of any width the header declares, as pg_restore does', async () => {
      const wide = await readArchive(file('v1.16-wide.dump', writeCustom({ ...spec16, intSize: 8, offSize: 12 })));
      const narrow = await readArchive(file('v1.16-narrow.dump', writeCustom(spec16)));
      assert.deepEqual([wide.intSize, wide.offSize], [8, 12]);
      assert.deepEqual(wide.toc.entries(), narrow.toc.entries());
    });

    it('never reads the data blocks of a custom file', async () => {
      const bytes = writeCustom(spec16, 5 * 1024 * 1024);
      const a = await readArchive(file('v1.16-big.dump', bytes));
      assert.ok(a.bytesRead < 128 * 1024, `read ${a.bytesRead} of ${bytes.length} bytes`);
    });
  });

  describe('archive 1.15 (pg_dump 16, fixture built from WriteHead/WriteToc)', () => {
    it('reads the method byte and no relkind', async () => {
      const a = await readArchive(
        file('v1.15-custom-lz4.dump', writeCustom({ ...spec16, version: [1, 15, 0], compression: 'lz4' })),
      );
      assert.deepEqual(a.compression, { method: 'lz4', level: null });
      assert.equal(a.toc.entries()[1].relkind, null);
      assert.equal(a.toc.entries()[1].tableam, 'heap');
    });
  });

  describe('archive 1.12 and 1.13 (no table access method)', () => {
    it('reads a gzip level and leaves tableam empty', async () => {
      const a = await readArchive(file('v1.13.dump', writeCustom({ ...spec16, version: [1, 13, 0], level: 6 })));
      assert.deepEqual(a.compression, { method: 'gzip', level: 6 });
      assert.equal(a.toc.entries()[1].tableam, null);
      assert.equal(a.toc.entries()[3].tag, 'TABLE products');
    });
  });

  it('decodes UTF-8 names and SQL anywhere in a TOC that spans several reads, with repeated values intact', async () => {
    // 3,000 entries (~600 KB of TOC: well past the first 64 KB window), non-ASCII text in every string field,
    // kinds, schemas and owners that repeat and alternate (the reader shares one string per repeated value).
    const schemas = ['public', 'Café', 'ünïcödé_schema', 'app'];
    const owners = ['postgres', 'Zoë', 'app_owner'];
    const kinds = ['TABLE', 'INDEX', 'COMMENT', 'SEQUENCE', 'VIEW'];
    const entries = Array.from({ length: 3000 }, (_, i) => ({
      dumpId: i + 200,
      tag: i % 7 === 0 ? `Straße_${i} 🚀` : `t_${i}`,
      desc: kinds[i % kinds.length],
      namespace: schemas[i % schemas.length],
      owner: owners[i % owners.length],
      defn: `CREATE TABLE "${schemas[i % schemas.length]}".t_${i} (naïve text DEFAULT '${'é'.repeat(i % 50)}', x int);`.padEnd(
        150,
        ' ',
      ),
      dropStmt: i % 3 ? `DROP TABLE t_${i};` : '',
      dependencies: i > 0 ? [i + 199, 1] : [],
    }));
    const a = await readArchive(file('utf8-many.dump', writeCustom({ version: [1, 14, 0], entries }, 100_000)));
    assert.equal(a.toc.count, entries.length);
    a.toc.entries().forEach((got, i) => {
      const want = entries[i];
      const fields = {
        tag: got.tag,
        desc: got.desc,
        namespace: got.namespace,
        owner: got.owner,
        defn: got.defn,
        dropStmt: got.dropStmt,
        dependencies: got.dependencies,
      };
      assert.deepEqual(
        fields,
        {
          tag: want.tag,
          desc: want.desc,
          namespace: want.namespace,
          owner: want.owner,
          defn: want.defn,
          dropStmt: want.dropStmt,
          dependencies: want.dependencies,
        },
        `entry ${i}`,
      );
    });
  });

  it('refuses an archive newer than 1.16, naming its version', async () => {
    const e = await inputError(readArchive(file('v1.17.dump', writeCustom({ ...spec16, version: [1, 17, 0] }))));
    assert.equal(e.kind, 'input');
    assert.match(e.message, /archive version 1\.17, newer than this reader supports/);
  });

  it('refuses an archive older than 1.12', async () => {
    const e = await inputError(readArchive(file('v1.11.dump', writeCustom({ ...spec16, version: [1, 11, 0] }))));
    assert.match(e.message, /1\.11.*older than 9\.0/);
  });

  it("reads toc.dat of a directory archive with each entry's data file", async () => {
    const d = join(dir, 'v1.16-dir');
    mkdirSync(d);
    const entries = sampleEntries().map((e) => (e.desc === 'TABLE DATA' ? { ...e, dataFile: '3.dat.zst' } : e));
    writeFileSync(join(d, 'toc.dat'), writeToc({ ...spec16, format: 'directory', entries }));
    assert.equal(await detectArchiveFormat(d), 'directory');
    const a = await readArchive(d);
    assert.equal(a.format, 'directory');
    assert.equal(a.toc.entries()[2].dataFile, '3.dat.zst');
    assert.equal(a.toc.entries()[1].dataFile, null);
  });

  it('finds toc.dat in a tar archive even when it is not the first member', async () => {
    const toc = writeToc({ ...spec16, format: 'tar' });
    const p = file(
      'v1.16.tar',
      writeTar([
        ['restore.sql', Buffer.from('-- x\n')],
        ['toc.dat', toc],
        ['3.dat', Buffer.alloc(2000, 1)],
      ]),
    );
    assert.equal(await detectArchiveFormat(p), 'tar');
    const a = await readArchive(p);
    assert.equal(a.format, 'tar');
    assert.equal(a.toc.count, 4);
  });

  it('says which format the header claims when it disagrees with the file', async () => {
    const d = join(dir, 'wrong-format');
    mkdirSync(d);
    writeFileSync(join(d, 'toc.dat'), writeToc({ ...spec16, format: 'custom' }));
    const e = await inputError(readArchive(d));
    assert.match(e.message, /looks like a directory archive, but its header says the format is custom/);
  });

  it('recognises a plain SQL dump and says it cannot be restored selectively', async () => {
    const p = file('plain.sql', '--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n');
    assert.equal(await detectArchiveFormat(p), 'plain');
    const e = await inputError(readArchive(p));
    assert.match(e.message, /plain SQL dump/);
    assert.match(e.hint ?? '', /cannot be restored selectively.*psql/);
  });

  it('gives one-line typed errors for missing, empty, gzip and garbage files', async () => {
    assert.match((await inputError(readArchive(join(dir, 'nope.dump')))).message, /does not exist/);
    assert.match((await inputError(readArchive(file('empty.dump', Buffer.alloc(0))))).message, /too short/);
    assert.match(
      (await inputError(readArchive(file('x.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]))))).message,
      /gzip-compressed/,
    );
    assert.match(
      (await inputError(readArchive(file('garbage.bin', Buffer.alloc(600, 7))))).message,
      /not a pg_dump archive/,
    );
  });

  it('reports how far the table of contents got in a truncated file', async () => {
    const whole = writeToc({
      ...spec16,
      entries: [...sampleEntries(), ...sampleEntries().map((e) => ({ ...e, dumpId: (e.dumpId ?? 0) + 10 }))],
    });
    const header = writeToc({ ...spec16, entries: [] }).length;
    const upToThree = writeToc({ ...spec16, entries: sampleEntries().slice(0, 3), count: 8 }).length;
    const e = await inputError(readArchive(file('cut.dump', whole.subarray(0, upToThree + 5))));
    assert.equal(e.message, `${join(dir, 'cut.dump')} is truncated: the table of contents ends after 3 of 8 entries.`);
    const h = await inputError(readArchive(file('cut-header.dump', whole.subarray(0, header - 10))));
    assert.match(h.message, /ends inside the archive header/);
  });

  it('rejects a corrupt dump id as pg_restore does', async () => {
    const e = await inputError(readArchive(file('bad-id.dump', writeCustom({ ...spec16, entries: [{ dumpId: -4 }] }))));
    assert.match(e.message, /entry 1 of 1 has dump id -4: the table of contents is corrupt/);
  });

  describe('fuzzing with truncated and mutated real pg_dump 15 archives', function () {
    this.timeout(120000);
    const seeds = ['pg15-custom-gzip.dump', 'pg15-tar.tar'].map((n) => readFileSync(join(FIXTURES, n)));
    // A small deterministic PRNG so a failure can be replayed.
    let state = 0x2545f491;
    const rand = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };

    it('every cut before the end of the table of contents gives a typed "truncated" error', async () => {
      const seed = seeds[0];
      let cut = 0;
      for (; cut < seed.length; cut += 3) {
        const p = file('trunc.dump', seed.subarray(0, cut));
        const outcome = await readArchive(p).then(
          () => 'read',
          (e: unknown) => e,
        );
        if (outcome === 'read') break;
        assert.ok(outcome instanceof PgBackupError && outcome.kind === 'input', `cut at ${cut}: ${String(outcome)}`);
        if (cut >= 5) assert.match(outcome.message, /is truncated/, `cut at ${cut}`);
      }
      // The first cut that reads is past the TOC: the data blocks come after it.
      assert.ok(cut > 1000 && cut < seed.length, `first readable cut ${cut} of ${seed.length}`);
    });

    it('3000 mutated archives give either a reading or a typed error, within bounded time', async () => {
      const started = Date.now();
      let typed = 0;
      for (let i = 0; i < 3000; i++) {
        const seed = seeds[i % seeds.length];
        const bytes = Buffer.from(seed);
        const flips = 1 + rand(8);
        for (let f = 0; f < flips; f++) {
          const at = i % 3 === 0 ? rand(Math.min(bytes.length, 700)) : rand(bytes.length);
          bytes[at] = rand(4) === 0 ? 0xff : rand(256);
        }
        const p = file(`fuzz-${i % 2}.bin`, i % 5 === 0 ? bytes.subarray(0, rand(bytes.length)) : bytes);
        try {
          const a = await readArchive(p);
          assert.ok(Array.isArray(a.toc.entries()));
        } catch (e) {
          assert.ok(e instanceof PgBackupError, `case ${i}: ${String((e as Error).stack)}`);
          typed++;
        }
      }
      assert.ok(typed > 500, `only ${typed} of 3000 mutations were rejected`);
      assert.ok(Date.now() - started < 90000, `took ${Date.now() - started} ms`);
    });
  });
});

describe("window text (the TOC's strings, decoded when asked for)", () => {
  it('decodes any range in any order, ASCII as latin1 substrings and the rest as UTF-8', () => {
    // ASCII runs far apart (past the look-ahead) with UTF-8 and binary bytes between them, at an odd offset.
    const parts = [
      'x',
      'a'.repeat(70_000),
      'Zoë ünïcödé 🚀',
      'b'.repeat(100),
      '\u00ff\u0080',
      'c'.repeat(70_000),
      'Straße',
    ];
    const whole = Buffer.concat([Buffer.from([0x81, 0x00, 0xfe]), ...parts.map((p) => Buffer.from(p, 'utf8'))]);
    const buf = whole.subarray(1);
    const ranges: [number, number][] = [];
    for (let start = 0; start < buf.length; start += 997)
      ranges.push([start, Math.min(buf.length, start + 1 + ((start * 7) % 300))]);
    for (const order of [
      ranges,
      [...ranges].reverse(),
      ranges.filter((_, i) => i % 2).concat(ranges.filter((_, i) => i % 2 === 0)),
    ]) {
      const text = new WindowText(buf);
      for (const [a, b] of order) assert.equal(text.decode(a, b), buf.toString('utf8', a, b), `bytes ${a}..${b}`);
    }
  });
});

describe('pg_restore list rendering', () => {
  const entry = (over: object) => ({
    dumpId: 7,
    hadDumper: false,
    tableOid: 1259,
    oid: 16388,
    tag: 'products',
    desc: 'TABLE',
    section: 'pre-data' as const,
    defn: 'CREATE TABLE…',
    dropStmt: null,
    copyStmt: null,
    namespace: 'public',
    tablespace: null,
    tableam: null,
    relkind: null,
    owner: 'alice',
    dependencies: [],
    dataState: null,
    dataOffset: null,
    dataFile: null,
    ...over,
  });

  it('prints the PrintTOCSummary line, "-" for no schema and spaces for newlines', () => {
    assert.equal(listLine(entry({})), '7; 1259 16388 TABLE public products alice');
    assert.equal(
      listLine(entry({ namespace: null, owner: null, tag: 'a\nb', desc: 'EXTENSION' })),
      '7; 1259 16388 EXTENSION - a b ',
    );
  });

  it('leaves out what pg_restore applies implicitly or only with --create', () => {
    assert.equal(isRestorable(entry({ desc: 'ENCODING' })), false);
    assert.equal(isRestorable(entry({ desc: 'DATABASE' })), false);
    assert.equal(isRestorable(entry({ desc: 'DATABASE' }), { createDb: true }), true);
    assert.equal(isRestorable(entry({ desc: 'SEQUENCE SET', defn: "SELECT setval('s', 1);" })), true);
    assert.equal(isRestorable(entry({ desc: 'TABLE DATA', hadDumper: true, defn: '' })), true);
    assert.equal(isRestorable(entry({ desc: 'COMMENT', tag: 'DATABASE shop' })), false);
    assert.equal(isRestorable(entry({ defn: '' })), false);
  });

  it('writes a list file pg_restore -L reads, with notes as comments', () => {
    const text = renderListFile([entry({}), entry({ dumpId: 9, desc: 'INDEX', tag: 'i' })], {
      note: (e) => (e.dumpId === 9 ? 'index of products' : undefined),
    });
    assert.equal(
      text,
      '7; 1259 16388 TABLE public products alice\n9; 1259 16388 INDEX public i alice\n;\tindex of products\n',
    );
  });
});
