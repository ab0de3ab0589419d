import * as vscode from 'vscode';
import { offsiteDestinations, type OffsiteDestination } from './destinations';

/** A destination from the settings; none configured offers "Add Off-site Destination…". */
export async function pickDestination(
  title: string,
  filter: (d: OffsiteDestination) => boolean = () => true,
): Promise<OffsiteDestination | undefined> {
  const all = offsiteDestinations().filter(filter);
  if (!all.length) {
    const add = 'Add Off-site Destination…';
    if ((await vscode.window.showInformationMessage('No off-site destination is set up yet.', add)) === add)
      await vscode.commands.executeCommand('pgBackup.addOffsiteDestination');
    return undefined;
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((d) => ({ label: d.name, description: d.url, detail: d.endpoint, d })),
    { title, placeHolder: 'Choose an off-site destination' },
  );
  return picked?.d;
}
