import * as vscode from 'vscode';

export interface ProgressSink {
  /** Absolute percent 0..100 and a message; converted to VS Code's increments. */
  report(percent: number, message?: string): void;
  signal: AbortSignal;
}

/**
 * A cancellable notification with a real percentage. The core reports absolute percents; VS Code wants
 * increments, so this keeps the last value and never moves backwards.
 */
export function withCancellableProgress<T>(title: string, work: (p: ProgressSink) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let last = 0;
      return work({
        signal: controller.signal,
        report(percent, message) {
          const p = Math.max(last, Math.min(100, percent));
          progress.report({
            increment: p - last,
            message: message ? `${Math.floor(p)}% · ${message}` : `${Math.floor(p)}%`,
          });
          last = p;
        },
      });
    },
  );
}
