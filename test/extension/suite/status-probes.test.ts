/**
 * One connection per server and refresh: the status of the saved connections reuses what the Connections tree's
 * probe just asked the server (version, databases, WAL archiving) instead of connecting again — counted in the
 * test server's log_connections lines.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { PgBackupApi } from '../../../src/extension/main';
import type { ConnectionsTreeNode } from '../../../src/extension/tree/connections-tree';
import { sleep } from '../../support/time';

const serverLog = process.env.PGBACKUP_TEST_SERVER_LOG ?? '';
const connectionsSince = (offset: number) =>
  readFileSync(serverLog)
    .subarray(offset)
    .toString()
    .split('\n')
    .filter((l) => l.includes('connection received'));

describe('status: the Connections probe answers for the status', () => {
  it('a refresh of the Connections view and the status connects to the server once', async () => {
    const api = await vscode.extensions.getExtension<PgBackupApi>('pg-backup.pg-backup')!.activate();
    await api.status.refresh(); // whatever was pending is done
    await sleep(300);
    const offset = statSync(serverLog).size;
    api.connectionsTree.refresh();
    const roots = (await api.connectionsTree.getChildren()) as ConnectionsTreeNode[];
    const test = roots.find((n) => n.kind === 'connection' && n.profile.name === 'test')!;
    const databases = await api.connectionsTree.getChildren(test);
    assert.ok(databases.some((d) => d.kind === 'database' && d.database.name === 'sample'));
    const report = await api.status.refresh();
    await sleep(300);
    const row = report?.rows.find((r) => r.connection === 'test' && r.database === 'sample');
    assert.ok(row, 'the status has a row for every database the probe listed');
    assert.equal(report?.servers.find((s) => s.label === 'test')?.wal?.source, 'pg_stat_archiver');
    assert.equal(connectionsSince(offset).length, 1, connectionsSince(offset).join('\n'));
  });
});
