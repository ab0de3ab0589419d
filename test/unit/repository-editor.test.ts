/**
 * The editor side of backup repositories, without an editor: the repository kept with a connection in settings,
 * the PITR panel's key for a repository backup and its restoreCommand request, and the runbook built around an
 * engine's restore.
 */
import * as assert from 'node:assert/strict';
import {
  parsePanelMessage,
  parsePanelState,
  parseRepositoryPanelKey,
  repositoryPanelKey,
} from '../../src/common/pitr-protocol';
import type { PitrModel } from '../../src/core/pitr/model';
import { buildRunbook, renderRunbook } from '../../src/core/pitr/runbook';
import { repositoryOf, repoText } from '../../src/extension/repository/settings';

const model: PitrModel = {
  serverMajor: 15,
  target: { kind: 'time', value: '2026-12-02 03:40:00 UTC' },
  inclusive: true,
  timeline: 'latest',
  action: 'promote',
  source: { kind: 'pgbackrest', stanza: 'main' },
};

describe('backup repositories in the editor', () => {
  it('reads the repository a connection names in its settings, and ignores one that is not', () => {
    assert.deepEqual(
      repositoryOf({ name: 'prod', repository: { engine: 'pgbackrest', name: ' main ', config: '/etc/x.conf' } }),
      {
        engine: 'pgbackrest',
        name: 'main',
        config: '/etc/x.conf',
      },
    );
    assert.deepEqual(repositoryOf({ repository: { engine: 'barman', name: 'pg', config: '' } }), {
      engine: 'barman',
      name: 'pg',
    });
    for (const repository of [
      undefined,
      'pgbackrest:main',
      { engine: 'bacula', name: 'x' },
      { engine: 'pgbackrest' },
      { engine: 'pgbackrest', name: ' ' },
    ])
      assert.equal(repositoryOf({ name: 'prod', repository }), undefined, JSON.stringify(repository));
    assert.equal(repoText({ engine: 'pgbackrest', name: 'main' }), 'pgbackrest:main');
  });

  it("keys a repository backup's panel by connection and label, any characters in them, and tells it from a folder", () => {
    const key = repositoryPanelKey('prod #1 "eu"', '20261202-034000F_20261202-035000I');
    assert.deepEqual(parseRepositoryPanelKey(key), {
      connection: 'prod #1 "eu"',
      label: '20261202-034000F_20261202-035000I',
    });
    assert.equal(parseRepositoryPanelKey('/var/backups/base'), undefined);
    assert.equal(parseRepositoryPanelKey('repository:{"no":"array"}'), undefined);
    assert.equal(parseRepositoryPanelKey('repository:not json'), undefined);
    assert.deepEqual(parsePanelState({ backupDir: key }), { ok: true, value: { backupDir: key } });
  });

  it("accepts the panel's restoreCommand request with an absolute data directory only", () => {
    assert.deepEqual(parsePanelMessage({ type: 'restoreCommand', id: 3, model, dataDir: '/srv/pg', extra: 1 }), {
      ok: true,
      value: { type: 'restoreCommand', id: 3, model, dataDir: '/srv/pg' },
    });
    const refused = (raw: unknown) => {
      const p = parsePanelMessage(raw);
      assert.equal(p.ok, false, JSON.stringify(raw));
      return p.ok ? '' : p.reason;
    };
    assert.match(refused({ type: 'restoreCommand', id: 3, model, dataDir: 'relative' }), /dataDir/);
    assert.match(refused({ type: 'restoreCommand', id: 3, model }), /dataDir/);
    assert.match(
      refused({ type: 'restoreCommand', id: 3, model: { ...model, action: 'explode' }, dataDir: '/x' }),
      /action/,
    );
  });

  it("puts the engine's restore in the runbook instead of copying a base backup and writing recovery files", () => {
    const ctx = {
      dataDir: '/var/lib/postgresql/15/main',
      backupDir: 'repository:x',
      backupFormat: 'plain' as const,
      osUser: 'postgres',
    };
    const restore = "pgbackrest --stanza=main --type=time '--target=2026-12-02 03:40:00+00' restore";
    const steps = buildRunbook(model, { ...ctx, restoreCommand: restore });
    const titles = steps.map((s) => s.title);
    assert.ok(titles.includes('Restore from the repository'), titles.join(' / '));
    assert.ok(!titles.includes('Write the recovery files'), 'the engine writes recovery settings itself');
    assert.ok(!titles.includes('Copy the base backup into place'));
    assert.match(
      renderRunbook(steps),
      new RegExp(`sudo -u postgres ${restore.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    const folder = buildRunbook({ ...model, source: { kind: 'cp', dir: '/wal' } }, { ...ctx, backupDir: '/b/base' });
    assert.ok(
      folder.some((s) => s.title === 'Write the recovery files'),
      'a folder backup keeps its steps',
    );
  });
});
