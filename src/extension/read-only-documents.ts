import * as vscode from 'vscode';

/**
 * Read-only documents for the "other side" of a schema diff (the live database's rendering, or a file as it was
 * before an export). URIs are `pgbackup-schema:/<label>/<path>?<key>`; contents are kept until replaced.
 */
export class SchemaDiffContent implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pgbackup-schema';
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SchemaDiffContent.scheme, this);

  put(label: string, path: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SchemaDiffContent.scheme, path: `/${label}/${path}` });
    this.docs.set(uri.toString(), content);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
