/**
 * Fuzzing the archive readers with damaged real pg_dump 15 archives: custom, tar, and a directory archive's
 * toc.dat, read by the same code as readCheckedArchive (header, TOC, then the data check). Every case must
 * come back or be refused with a PgBackupError.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferSource } from '../../src/core/archive/byte-source';
import { readArchiveSource } from '../../src/core/archive/read-archive';
import { fuzz } from './fuzz-mutator';

const FIXTURES = join(__dirname, '..', 'fixtures', 'archive');
const CASES = 100_000;

const read =
  (name: string, isDir = false) =>
  async (bytes: Buffer) => {
    const info = await readArchiveSource(bufferSource(bytes, name, bytes.length), name, isDir, true);
    info.toc.entries();
  };

describe('fuzzing the archive readers', function () {
  this.timeout(120_000); // each reader takes a few seconds; the margin is for a machine shared with other work
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-fuzz-archive-'));
    execFileSync('tar', ['-xf', join(FIXTURES, 'pg15-tar.tar'), '-C', dir]);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the intact fixtures are read and pass the data check', async () => {
    const inputs = [
      [join(FIXTURES, 'pg15-custom-gzip.dump'), false],
      [join(FIXTURES, 'pg15-tar.tar'), false],
      [join(dir, 'toc.dat'), true],
    ] as const;
    for (const [file, isDir] of inputs) {
      const bytes = readFileSync(file);
      const info = await readArchiveSource(bufferSource(bytes, file, bytes.length), isDir ? dir : file, isDir, true);
      assert.equal(info.toc.count, 35);
      assert.equal(info.toc.entries().filter((e) => e.desc === 'TABLE DATA').length, 3);
    }
  });

  it(`custom format: ${CASES} damaged copies`, async () => {
    const input = readFileSync(join(FIXTURES, 'pg15-custom-gzip.dump'));
    const stats = await fuzz('custom', input, CASES, 1, read('fuzz.dump'));
    assert.ok(stats.refused > CASES / 2, 'most damage is caught');
  });

  it(`tar format: ${CASES} damaged copies`, async () => {
    const stats = await fuzz('tar', readFileSync(join(FIXTURES, 'pg15-tar.tar')), CASES, 2, read('fuzz.tar'));
    assert.ok(stats.refused > CASES / 2, 'most damage is caught');
  });

  it(`directory format: ${CASES} damaged toc.dat files`, async () => {
    const stats = await fuzz('directory toc.dat', readFileSync(join(dir, 'toc.dat')), CASES, 3, read(dir, true));
    assert.ok(stats.refused > CASES / 2, 'most damage is caught');
  });
});
