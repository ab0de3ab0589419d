import * as vscode from 'vscode';

/**
 * Read-only documents: the "other side" of a schema diff (the live database's rendering, or a file as it was
 * before an export), reports (inspect, restore summary, restore drill) and the WAL archiving lines, all of which
 * close without a "save?" question. URIs are `pgbackup:/<label>/<path>`; the path's extension picks the language;
 * contents are kept until replaced.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pgbackup';
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(ReadOnlyDocuments.scheme, this);

  put(label: string, path: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: ReadOnlyDocuments.scheme, path: `/${label}/${path}` });
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

/**
 * Opens a markdown report read-only and rendered (VS Code's markdown preview of the read-only document); `name`
 * titles the tab. Without the built-in markdown extension it opens as text.
 */
export async function showReport(docs: ReadOnlyDocuments, name: string, markdown: string): Promise<vscode.Uri> {
  const uri = docs.put('report', `${name.replace(/[\\/]/g, '_')}.md`, markdown);
  try {
    // Contributed by the built-in markdown extension, which running it activates (getCommands would not list it yet).
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
  return uri;
}
