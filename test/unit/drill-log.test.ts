import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLastDrills } from '../../src/core/drill/drill-log';

describe('reading the drill logs for the Backups view', () => {
  let root: string;
  const log = (dir: string, lines: unknown[]) => {
    mkdirSync(join(root, dir, '.pgbackup'), { recursive: true });
    writeFileSync(
      join(root, dir, '.pgbackup', 'drills.jsonl'),
      lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n',
    );
  };
  const drill = (path: string, startedAt: string, passed: boolean, problems: string[] = []) => ({
    backup: { path },
    passed,
    startedAt,
    durationMs: 4200,
    problems,
    where: { kind: 'scratch-database' },
  });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pgb-drill-log-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the newest drill of each backup across logs, skipping lines that are not drills and missing logs', async () => {
    log('workspace', [
      drill('/b/shop.dump', '2026-11-20T10:00:00.000Z', true),
      'not json',
      { note: 'no drill' },
      drill('/b/shop.dump', '2026-11-24T10:00:00.000Z', false, ['The checksum does not match.']),
    ]);
    log('backups', [
      drill('/b/shop.dump', '2026-11-22T10:00:00.000Z', true),
      drill('/b/crm.dump', '2026-11-21T10:00:00.000Z', true),
    ]);
    const last = await readLastDrills([join(root, 'workspace'), join(root, 'backups'), join(root, 'nowhere')]);
    assert.deepEqual([...last.keys()].sort(), ['/b/crm.dump', '/b/shop.dump']);
    assert.deepEqual(last.get('/b/shop.dump'), {
      passed: false,
      startedAt: '2026-11-24T10:00:00.000Z',
      durationMs: 4200,
      problem: 'The checksum does not match.',
      where: 'scratch-database',
    });
    assert.equal(last.get('/b/crm.dump')?.passed, true);
  });

  it('reads what it needs before the table counts, and whole lines whose "tables" is not the top-level key', async () => {
    const tables = Array.from({ length: 3 }, (_, i) => ({ schema: 'public', name: `t${i}`, rows: i }));
    log('cut', [
      // As drills log them: the counts come after everything the view reads.
      { ...drill('/b/a.dump', '2026-11-20T10:00:00.000Z', true), tables, totalRows: 3 },
      // "tables" first, inside the backup: cutting there is no JSON, the whole line is read.
      {
        backup: { tables: [], path: '/b/b.dump' },
        passed: false,
        startedAt: '2026-11-21T10:00:00.000Z',
        problems: ['x'],
      },
      // A string that mentions the key is no key (its quotes are escaped).
      { ...drill('/b/c.dump', '2026-11-22T10:00:00.000Z', false, ['bad ,"tables": here']), tables },
    ]);
    const last = await readLastDrills([join(root, 'cut')]);
    assert.deepEqual([...last.keys()], ['/b/a.dump', '/b/b.dump', '/b/c.dump']);
    assert.equal(last.get('/b/a.dump')?.passed, true);
    assert.deepEqual([last.get('/b/b.dump')?.passed, last.get('/b/b.dump')?.problem], [false, 'x']);
    assert.equal(last.get('/b/c.dump')?.problem, 'bad ,"tables": here');
  });
});
