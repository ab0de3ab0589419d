import assert from 'node:assert/strict';
import { dumpArgv } from '../../src/core/dump/argv';
import {
  parseCompressionSpec,
  validateDumpOptions,
  compressionMethodsFor,
  formatCompression,
  type DumpOptions,
} from '../../src/core/dump/options';
import { PgBackupError } from '../../src/core/errors';

const argv = (options: DumpOptions, pgDumpMajor = 15) =>
  dumpArgv({ options, conninfo: 'host=db port=5432 user=app dbname=shop', file: '/b/shop.dump.partial', pgDumpMajor });

function refuses(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof PgBackupError && e.kind === 'usage' && message.test(e.message));
}

describe('dump options → pg_dump argv', () => {
  it('connects through --dbname with a password-free conninfo, verbose, into the given file', () => {
    assert.deepEqual(argv({ format: 'custom' }), [
      '--dbname=host=db port=5432 user=app dbname=shop',
      '--format=custom',
      '--file=/b/shop.dump.partial',
      '-v',
    ]);
  });

  it('repeats every include and exclude pattern as its own flag, in pg_dump order', () => {
    const a = argv({
      format: 'plain',
      schemas: ['s1', 's2'],
      excludeSchemas: ['tmp'],
      tables: ['public.a'],
      excludeTables: ['public.b'],
      excludeTableData: ['public.pii'],
      noOwner: true,
      noPrivileges: true,
    });
    assert.deepEqual(a.slice(4), [
      '--schema=s1',
      '--schema=s2',
      '--exclude-schema=tmp',
      '--table=public.a',
      '--exclude-table=public.b',
      '--exclude-table-data=public.pii',
      '--no-owner',
      '--no-privileges',
    ]);
  });

  it('passes --jobs only for the directory format', () => {
    assert.ok(argv({ format: 'directory', jobs: 4 }).includes('--jobs=4'));
    assert.ok(!argv({ format: 'directory', jobs: 1 }).some((x) => x.startsWith('--jobs')));
  });

  it("refuses jobs with another format, with pg_dump's own reason", () => {
    for (const format of ['custom', 'plain', 'tar'] as const)
      refuses(() => argv({ format, jobs: 2 }), /^parallel backup only supported by the directory format$/);
  });

  it('refuses schema-only together with data-only', () => {
    refuses(() => argv({ format: 'custom', schemaOnly: true, dataOnly: true }), /cannot be used together/);
  });

  it('writes a gzip level as -Z before pg_dump 16 and as --compress=METHOD:LEVEL from 16', () => {
    assert.deepEqual(argv({ format: 'custom', compression: { method: 'gzip', level: 3 } }, 15).slice(4), ['-Z', '3']);
    assert.deepEqual(argv({ format: 'custom', compression: { method: 'none' } }, 15).slice(4), ['-Z', '0']);
    assert.deepEqual(argv({ format: 'custom', compression: { method: 'gzip', level: 3 } }, 16).slice(4), [
      '--compress=gzip:3',
    ]);
    assert.deepEqual(argv({ format: 'directory', compression: { method: 'zstd' } }, 17).slice(4), ['--compress=zstd']);
  });

  it('offers lz4 and zstd only from pg_dump 16', () => {
    assert.deepEqual(compressionMethodsFor(15), ['gzip', 'none']);
    assert.deepEqual(compressionMethodsFor(16), ['gzip', 'lz4', 'zstd', 'none']);
    refuses(() => validateDumpOptions({ format: 'custom', compression: { method: 'lz4' } }, 15), /needs pg_dump 16/);
    assert.doesNotThrow(() => validateDumpOptions({ format: 'custom', compression: { method: 'lz4', level: 12 } }, 16));
  });

  it("refuses levels outside the method's range and compression of a tar archive", () => {
    refuses(
      () => validateDumpOptions({ format: 'custom', compression: { method: 'gzip', level: 10 } }, 15),
      /out of range for gzip: use 1 to 9/,
    );
    refuses(
      () => validateDumpOptions({ format: 'custom', compression: { method: 'zstd', level: 23 } }, 16),
      /use 1 to 22/,
    );
    refuses(
      () => validateDumpOptions({ format: 'tar', compression: { method: 'gzip' } }, 15),
      /^compression is not supported by tar archive format$/,
    );
    assert.doesNotThrow(() => validateDumpOptions({ format: 'tar', compression: { method: 'none' } }, 15));
  });

  it('refuses a non-integer or zero job count and empty patterns', () => {
    refuses(() => validateDumpOptions({ format: 'directory', jobs: 0 }, 15), /at least 1/);
    refuses(() => validateDumpOptions({ format: 'directory', jobs: 1.5 }, 15), /whole number/);
    refuses(() => validateDumpOptions({ format: 'custom', excludeTables: [' '] }, 15), /empty pattern/);
  });
});

describe('compression spec', () => {
  it('reads METHOD, METHOD:LEVEL, METHOD:level=N and a bare gzip level', () => {
    assert.deepEqual(parseCompressionSpec('zstd'), { method: 'zstd' });
    assert.deepEqual(parseCompressionSpec('lz4:5'), { method: 'lz4', level: 5 });
    assert.deepEqual(parseCompressionSpec('zstd:level=3'), { method: 'zstd', level: 3 });
    assert.deepEqual(parseCompressionSpec('6'), { method: 'gzip', level: 6 });
    assert.deepEqual(parseCompressionSpec('0'), { method: 'none' });
    assert.equal(formatCompression({ method: 'gzip', level: 6 }), 'gzip:6');
  });

  it('rejects an unknown method', () => {
    refuses(() => parseCompressionSpec('brotli:3'), /Invalid compression "brotli:3"/);
  });
});
