import * as assert from 'node:assert/strict';
import { groupBackups } from '../../src/core/backups/groups';
import { backupEntry } from '../support/backup-entry';

describe('Backups view groups', () => {
  const list = [
    backupEntry('a.dump', { database: 'sample', server: '127.0.0.1:5432' }),
    backupEntry('b.dump', { database: 'sample', server: 'db.internal:5433' }),
    backupEntry('c.dump', { database: 'sample', server: '127.0.0.1:5432', folder: '/b/pg-backup-sample' }),
    backupEntry('d.dump', { database: 'sample' }),
    backupEntry('base', { kind: 'basebackup', format: 'plain' }),
  ];

  it("keeps two servers' databases of one name apart, by database and server", () => {
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
