import * as vscode from 'vscode';
import type { Ctx } from '../context';

/** Lists the client tools of every installed major; the last item adds a folder to pgBackup.toolFolders. */
export const showClientTools = (ctx: Ctx) => async () => {
  ctx.tools.invalidate();
  const sets = await ctx.tools.all();
  ctx.log.info(`Client tools: ${sets.map((s) => `${s.version} in ${s.dir}`).join('; ') || 'none found'}`);
  const items: (vscode.QuickPickItem & { add?: boolean })[] = sets.map((s) => ({
    label: `$(tools) PostgreSQL ${s.version}`,
    description: s.dir,
    detail: Object.keys(s.tools).join(', '),
  }));
  if (!sets.length)
    items.push({ label: 'No PostgreSQL client tools were found', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(add) Add a folder with PostgreSQL tools…', add: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'PostgreSQL client tools',
    placeHolder: "Found on this machine (the lowest major ≥ the server's is used)",
  });
  if (!picked?.add) return;
  const folder = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Use this bin folder',
  });
  if (!folder?.[0]) return;
  const cfg = vscode.workspace.getConfiguration('pgBackup');
  await cfg.update('toolFolders', [...ctx.config.toolFolders(), folder[0].fsPath], vscode.ConfigurationTarget.Global);
  ctx.tools.invalidate();
};
