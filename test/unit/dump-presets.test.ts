import assert from 'node:assert/strict';
import {
  defaultBackupName,
  defaultBackupPath,
  safeFileName,
  sidecarPath,
  partialPath,
} from '../../src/core/dump/naming';
import { applyPreset, DUMP_PRESETS, findPreset } from '../../src/core/dump/presets';
import { validateDumpOptions } from '../../src/core/dump/options';

describe('dump presets', () => {
  it('are the four the issue names, and each gives options pg_dump 15 accepts', () => {
    assert.deepEqual(
      DUMP_PRESETS.map((p) => p.name),
      [
        'Full (custom)',
        'Fast parallel (directory, jobs = cores, no compression)',
        'Schema only',
        'Staging copy without PII tables',
      ],
    );
    for (const p of DUMP_PRESETS)
      validateDumpOptions(applyPreset(p, { cores: 8, chosenTables: ['public.customers'] }), 15);
  });

  it('fills jobs with the number of cores for the fast parallel preset', () => {
    assert.deepEqual(applyPreset(findPreset('fast parallel'), { cores: 6 }), {
      format: 'directory',
      jobs: 6,
      compression: { method: 'none' },
    });
  });

  it('leaves out the data of the chosen tables in the staging preset, and insists on a choice', () => {
    const o = applyPreset(findPreset('Staging copy without PII tables'), {
      chosenTables: ['public.customers', 'public.payments'],
    });
    assert.deepEqual(o.excludeTableData, ['public.customers', 'public.payments']);
    assert.equal(o.noOwner, true);
    assert.throws(() => applyPreset(findPreset('staging'), {}), /needs the tables whose data to leave out/);
  });

  it('names an unknown preset and lists the known ones', () => {
    assert.throws(
      () => findPreset('nightly'),
      (e: Error & { hint?: string }) =>
        /Unknown preset "nightly"/.test(e.message) && /Full \(custom\)/.test(e.hint ?? ''),
    );
  });
});

describe('backup names', () => {
  const when = new Date(2026, 0, 2, 3, 4, 5);

  it("carry the database and a local timestamp, with the format's extension", () => {
    assert.equal(defaultBackupName('shop', 'plain', when), 'shop-20260102-030405.sql');
    assert.equal(defaultBackupName('shop', 'custom', when), 'shop-20260102-030405.dump');
    assert.equal(defaultBackupName('shop', 'tar', when), 'shop-20260102-030405.tar');
    assert.equal(defaultBackupName('shop', 'directory', when), 'shop-20260102-030405');
    assert.equal(defaultBackupName('shop', 'plain', when, { method: 'gzip', level: 5 }), 'shop-20260102-030405.sql.gz');
    assert.equal(defaultBackupPath('/backups', 'shop', 'custom', when), '/backups/shop-20260102-030405.dump');
  });

  it('keep non-ASCII letters and replace what file systems refuse', () => {
    assert.equal(safeFileName('ünïcode/db:1'), 'ünïcode_db_1');
    assert.equal(safeFileName('..hidden'), '_hidden');
  });

  it('put the partial output and the sidecar next to the backup', () => {
    assert.equal(partialPath('/b/x.dump'), '/b/x.dump.partial');
    assert.equal(sidecarPath('/b/x'), '/b/x.pgbackup.json');
  });
});
