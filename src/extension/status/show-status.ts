import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { measureText, shownVerdict, statusDescription } from './status-text';

const ICON = { red: 'error', never: 'circle-slash', amber: 'warning', green: 'pass', unset: 'circle-outline' } as const;

/** The status bar item's details: the databases with their verdicts; picking one offers what to do about it. */
export const showStatus = (ctx: Ctx) => async () => {
  const report = await ctx.status.report();
  if (!report) {
    await vscode.window.showWarningMessage(ctx.status.problem ?? 'No RPO/RTO status yet.');
    return undefined;
  }
  const rows = report.rows.filter((r) => r.connection);
  const items = rows.map((r) => {
    return {
      label: `$(${ICON[shownVerdict(r)]}) ${r.database}`,
      description: `${r.connection} · ${statusDescription(r)}`,
      detail: `RPO ${measureText(r.rpo)} · RTO ${measureText(r.rto)}`,
      row: r,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'RPO and RTO',
    placeHolder: 'Pick a database to reveal it or dump it now',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  const node = ctx.connectionsTree.databaseNode(picked.row.connection!, picked.row.database);
  const actions = ['Dump Now', 'Set Targets…', 'Show in Connections'];
  const title = `${picked.row.database} on ${picked.row.connection}`;
  const action = await vscode.window.showQuickPick(actions, { title });
  if (action === 'Dump Now') await vscode.commands.executeCommand('pgBackup.dumpDatabase', node);
  if (action === 'Set Targets…') await vscode.commands.executeCommand('pgBackup.setTargets', node);
  if (action === 'Show in Connections') await ctx.connectionsTree.reveal(node);
  return picked.row;
};
