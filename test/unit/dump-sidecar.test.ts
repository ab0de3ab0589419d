import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupChecksum, sizeOnDisk } from '../../src/core/dump/checksum';
import { readSidecar, stageSidecar, verifyChecksum, type DumpSidecar } from '../../src/core/dump/sidecar';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('backup sidecar and checksums', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'pgb-sidecar-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const facts = async (backup: string): Promise<DumpSidecar> => ({
    tool: 'pg-backup',
    format: 'custom',
    database: 'shop',
    serverVersion: '15.18',
    pgDumpVersion: '15.18',
    options: { format: 'custom' },
    started: new Date(0).toISOString(),
    durationMs: 1,
    bytes: await sizeOnDisk(backup),
    sha256: await backupChecksum(backup),
  });

  it('hashes a file dump as one sha256 and a directory dump file by file', async () => {
    await writeFile(join(dir, 'one.dump'), 'hello');
    assert.equal(await backupChecksum(join(dir, 'one.dump')), sha('hello'));
    await mkdir(join(dir, 'd'));
    await writeFile(join(dir, 'd', 'toc.dat'), 'toc');
    await writeFile(join(dir, 'd', '3001.dat.gz'), 'rows');
    assert.deepEqual(await backupChecksum(join(dir, 'd')), {
      files: { '3001.dat.gz': sha('rows'), 'toc.dat': sha('toc') },
    });
    assert.equal(await sizeOnDisk(join(dir, 'd')), 7);
  });

  it('appears only on commit, under <backup>.pgbackup.json, and leaves no temp file', async () => {
    const backup = join(dir, 'one.dump');
    await writeFile(backup, 'hello');
    const staged = await stageSidecar(backup, await facts(backup));
    await assert.rejects(readSidecar(backup), /has no checksum file/);
    await staged.commit();
    assert.equal((await readSidecar(backup)).sha256, sha('hello'));
    assert.deepEqual((await readdir(dir)).sort(), ['one.dump', 'one.dump.pgbackup.json']);
  });

  it('verifies an untouched backup and catches a changed byte', async () => {
    const backup = join(dir, 'one.dump');
    await writeFile(backup, 'hello');
    await (await stageSidecar(backup, await facts(backup))).commit();
    assert.deepEqual(await verifyChecksum(backup), { ok: true, changed: [], missing: [], added: [] });
    await writeFile(backup, 'hellO');
    assert.equal((await verifyChecksum(backup)).ok, false);
  });

  it('names the changed, missing and added files of a directory dump', async () => {
    const backup = join(dir, 'd');
    await mkdir(backup);
    await writeFile(join(backup, 'toc.dat'), 'toc');
    await writeFile(join(backup, '1.dat.gz'), 'a');
    await writeFile(join(backup, '2.dat.gz'), 'b');
    await (await stageSidecar(backup, await facts(backup))).commit();
    await writeFile(join(backup, '1.dat.gz'), 'A');
    await rm(join(backup, '2.dat.gz'));
    await writeFile(join(backup, '3.dat.gz'), 'c');
    assert.deepEqual(await verifyChecksum(backup), {
      ok: false,
      changed: ['1.dat.gz'],
      missing: ['2.dat.gz'],
      added: ['3.dat.gz'],
    });
  });

  it('refuses a sidecar that is not ours', async () => {
    const backup = join(dir, 'x.dump');
    await writeFile(backup, 'x');
    await writeFile(`${backup}.pgbackup.json`, '{"sha256": 1}');
    await assert.rejects(verifyChecksum(backup), /is not a pg-backup sidecar/);
  });
});
