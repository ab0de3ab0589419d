/** The Backups view's repository groups and a group's rows, as the repository suites read them. */
import * as assert from 'node:assert/strict';
import type { PgBackupApi } from '../../src/extension/main';
import type { BackupsTreeNode } from '../../src/extension/tree/backups-tree';
import type { RepositoryTreeNode } from '../../src/extension/tree/repository-nodes';

export async function repositoryGroups(api: PgBackupApi) {
  return ((await api.backupsTree.getChildren()) as BackupsTreeNode[]).filter(
    (n): n is RepositoryTreeNode & { kind: 'repository' } => n.kind === 'repository',
  );
}

/** The connection's group (which must be there) and its rows, read as the view reads them. */
export async function repositoryRows(api: PgBackupApi, connection: string) {
  const group = (await repositoryGroups(api)).find((g) => g.connection === connection);
  assert.ok(group, `no repository group for ${connection}`);
  return { group, rows: (await api.backupsTree.getChildren(group)) as RepositoryTreeNode[] };
}
