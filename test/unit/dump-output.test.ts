import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFolders, missingFolders } from '../../src/core/dump/output-folder';
import { lockOutput, lockPath } from '../../src/core/dump/output-lock';
import { PgBackupError } from '../../src/core/errors';

describe('dump output: the exclusive lock and the folders', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pgb-dump-output-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a name once: a second taker fails naming the holder, the release frees it', async () => {
    const out = join(dir, 'x.dump');
    const release = await lockOutput(out);
    assert.ok(existsSync(lockPath(out)));
    const taken = `${out} is being written by another dump (pid ${process.pid}).`;
    await assert.rejects(lockOutput(out), (e: PgBackupError) => e.kind === 'io' && e.message === taken);
    assert.ok(existsSync(lockPath(out)), 'the loser removes nothing');
    await release();
    assert.equal(existsSync(lockPath(out)), false);
    await (
      await lockOutput(out)
    )();
  });

  it('takes over the lock of a dump that was killed', async () => {
    const out = join(dir, 'x.dump');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lockPath(out), `${gone}\n`);
    const release = await lockOutput(out);
    await release();
  });

  it('finds the missing levels under a writable folder, and refuses a file or an odd parent clearly', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    assert.deepEqual(await missingFolders(deep), [join(dir, 'a'), join(dir, 'a', 'b'), deep]);
    await makeFolders(deep);
    assert.ok(existsSync(deep));
    assert.deepEqual(await missingFolders(deep), []);
    writeFileSync(join(dir, 'file'), '');
    const notFolder = (e: PgBackupError) => e.kind === 'input' && /file is not a folder/.test(e.message);
    await assert.rejects(missingFolders(join(dir, 'file', 'x')), notFolder);
    const started = Date.now();
    const cannot = (e: PgBackupError) =>
      e.kind === 'io' && /^Cannot create the folder \/proc\/pgb-nowhere: /.test(e.message);
    await assert.rejects(makeFolders('/proc/pgb-nowhere/y'), cannot);
    assert.ok(Date.now() - started < 2000);
    mkdirSync(join(dir, 'ro'), { mode: 0o500 });
    if (process.getuid?.() !== 0) await assert.rejects(missingFolders(join(dir, 'ro', 'x')), /is not writable/);
  });
});
