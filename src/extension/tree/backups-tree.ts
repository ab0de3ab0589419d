import * as vscode from 'vscode';

/** Placeholder until the backups catalog lands: empty, so the view's welcome content explains what comes. */
export class BackupsTree implements vscode.TreeDataProvider<never> {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    throw new Error('no items');
  }

  getChildren(): never[] {
    return [];
  }
}
