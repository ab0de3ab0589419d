import * as vscode from 'vscode';
import type { DatabaseStatus } from '../../core/status/compute';
import { formatSpan } from '../../core/status/duration';
import type { ConnectionsTree } from '../tree/connections-tree';
import type { StatusService } from './status-service';

/** workspaceState key: the databases already warned about, until they are back inside their RPO. */
const WARNED_KEY = 'pgBackup.rpoWarned';

const keyOf = (r: DatabaseStatus) => `${r.connection ?? r.server ?? ''}/${r.database}`;

/**
 * A warning, once, when a database crosses its RPO (remembered per database in workspaceState, forgotten when it is
 * back inside, so the next crossing warns again), with "Dump Now".
 */
export function warnOnRpoCrossing(
  status: StatusService,
  tree: ConnectionsTree,
  state: vscode.Memento,
): vscode.Disposable {
  // Kept in memory and changed synchronously, so two reads ending together cannot both warn.
  const warned = new Set(state.get<string[]>(WARNED_KEY, []));
  return status.onDidChange(() => {
    const report = status.latest;
    if (!report) return;
    const crossed = report.rows.filter((r) => r.rpo.verdict === 'red' && !warned.has(keyOf(r)));
    const inside = [...warned].filter((k) => !report.rows.some((r) => r.rpo.verdict === 'red' && keyOf(r) === k));
    if (!crossed.length && !inside.length) return;
    for (const k of inside) warned.delete(k);
    for (const r of crossed) warned.add(keyOf(r));
    void state.update(WARNED_KEY, [...warned]);
    for (const r of crossed) void warn(r, tree);
  });
}

async function warn(r: DatabaseStatus, tree: ConnectionsTree): Promise<void> {
  const where = r.connection ?? r.server ?? 'an unknown server';
  const age = r.rpo.valueMs === undefined ? '' : ` is ${formatSpan(r.rpo.valueMs)} old`;
  const message = `"${r.database}" on ${where} is outside its RPO of ${formatSpan(r.rpo.targetMs ?? 0)}: the ${r.rpo.basis}${age}.`;
  const node = r.connection ? tree.databaseNode(r.connection, r.database) : undefined;
  const picked = await vscode.window.showWarningMessage(message, ...(node ? ['Dump Now'] : []));
  if (picked && node) await vscode.commands.executeCommand('pgBackup.dumpDatabase', node);
}
