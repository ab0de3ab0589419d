import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listBackups } from '../../src/core/backups/catalog';
import { checksumDetail, checksumText, recordVerification } from '../../src/core/backups/verification';
import { backupChecksum } from '../../src/core/dump/checksum';
import { verifyChecksum } from '../../src/core/dump/sidecar';

describe('checksum state: recorded, verified, mismatch', () => {
  let dir: string;
  let dump: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-verified-'));
    dump = join(dir, 'shop.sql');
    writeFileSync(dump, '--\n-- PostgreSQL database dump\n--\nSELECT 1;\n');
    const facts = {
      tool: 'pg-backup',
      format: 'plain',
      database: 'shop',
      serverVersion: '15.18',
      pgDumpVersion: '15.18',
      options: { format: 'plain' },
      started: '2030-01-01T00:00:00.000Z',
      durationMs: 5,
      bytes: 40,
      sha256: await backupChecksum(dump),
    };
    writeFileSync(`${dump}.pgbackup.json`, JSON.stringify(facts));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const row = async () => (await listBackups([dir]))[0];

  it('says "sha256 recorded" before any verification', async () => {
    const e = await row();
    assert.equal(checksumText(e), 'sha256 recorded');
    assert.match(checksumDetail(e), /not verified yet/);
  });

  it('says "verified <when>" after a verification that matched, and keeps the sidecar\'s facts', async () => {
    const at = new Date('2030-01-02T10:00:00Z');
    await recordVerification(dump, await verifyChecksum(dump), at);
    const e = await row();
    assert.deepEqual(e.sidecar?.verified, { at: at.toISOString(), ok: true });
    assert.equal(e.database, 'shop');
    assert.equal(checksumText(e, at.getTime() + 2 * 3600_000), '✓ sha256 verified 2 h ago');
    assert.match(checksumDetail(e), /^sha256 verified on .*: the file is as it was written$/);
    assert.equal((await verifyChecksum(dump)).ok, true, 'the recorded sha256 is untouched');
    assert.deepEqual(readdirSync(dir).sort(), ['shop.sql', 'shop.sql.pgbackup.json'], 'no temporary file is left');
  });

  it('says "✗ sha256 mismatch" after a verification that found the file changed', async () => {
    appendFileSync(dump, 'SELECT 2;\n');
    const report = await verifyChecksum(dump);
    assert.equal(report.ok, false);
    await recordVerification(dump, report);
    const e = await row();
    assert.equal(checksumText(e), '✗ sha256 mismatch');
    assert.match(checksumDetail(e), /MISMATCH/);
  });

  it('says nothing for a backup without a sidecar, and "manifest" for a base backup with one', () => {
    assert.equal(checksumText({ kind: 'dump', checksum: 'none' }), undefined);
    assert.equal(checksumText({ kind: 'basebackup', checksum: 'recorded' }), 'manifest');
  });
});
