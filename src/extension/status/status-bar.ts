import * as vscode from 'vscode';
import type { StatusService } from './status-service';
import { statusSummary } from './status-text';

/** The status bar item summarising the saved connections' databases; clicking it opens the details. */
export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('pgBackup.status', vscode.StatusBarAlignment.Left, 10);
  private readonly listener: vscode.Disposable;

  constructor(private readonly status: StatusService) {
    this.item.name = 'PostgreSQL Backup: RPO and RTO';
    this.item.command = 'pgBackup.showStatus';
    this.listener = status.onDidChange(() => this.update());
  }

  /** Shown only once a status was read (never in an untrusted workspace, where none is). */
  update(): void {
    const report = this.status.latest;
    if (this.status.problem) {
      this.item.text = '$(shield) status unavailable';
      this.item.tooltip = this.status.problem;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (report) {
      const { text, outside } = statusSummary(report.rows.filter((r) => r.connection));
      this.item.text = text;
      const what = "RPO and RTO of the saved connections' databases: click for details.";
      this.item.tooltip = [what, ...report.problems.map((p) => `Not read: ${p}`)].join('\n');
      this.item.backgroundColor = outside ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } else return;
    this.item.show();
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}
