import * as assert from 'node:assert/strict';
import type { BackupEntry } from '../../src/core/backups/catalog';
import { groupBackups } from '../../src/core/backups/groups';

const at = new Date('2030-01-01T00:00:00Z');
const entry = (name: string, more: Partial<BackupEntry>): BackupEntry => ({
  path: `/b/${name}`,
  name,
  folder: '/b',
  kind: 'dump',
  format: 'custom',
  sizeBytes: 1,
  modified: at,
  created: at,
  checksum: 'none',
  ...more,
});

describe('Backups view groups', () => {
  const list = [
    entry('a.dump', { database: 'sample', server: '127.0.0.1:5432' }),
    entry('b.dump', { database: 'sample', server: 'db.internal:5433' }),
    entry('c.dump', { database: 'sample', server: '127.0.0.1:5432', folder: '/b/pg-backup-sample' }),
    entry('d.dump', { database: 'sample' }),
    entry('base', { kind: 'basebackup', format: 'plain' }),
  ];

  it('keeps two servers\' databases of one name apart, by database and server', () => {
    const groups = groupBackups(list, 'database');
    assert.deepEqual(
      groups.map((g) => [g.label, g.entries.map((e) => e.name)]),
      [
        ['sample @ 127.0.0.1:5432', ['a.dump', 'c.dump']],
        ['sample @ db.internal:5433', ['b.dump']],
        ['sample', ['d.dump']],
        ['Base backups', ['base']],
      ],
    );
  });

  it('groups by the folder a backup is in, subfolders apart', () => {
    assert.deepEqual(
      groupBackups(list, 'folder').map((g) => [g.label, g.entries.length]),
      [
        ['/b', 4],
        ['/b/pg-backup-sample', 1],
      ],
    );
  });
});
