import * as vscode from 'vscode';
import { maskSecrets } from '../core/process/mask';

/** The "PostgreSQL Backup" log channel. Everything written here goes through maskSecrets. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('PostgreSQL Backup', { log: true });

  info(text: string): void {
    this.channel.info(maskSecrets(text));
  }

  /** A command line about to run (already masked by the core; masked again to be sure). */
  command(line: string): void {
    this.channel.info(`$ ${maskSecrets(line)}`);
  }

  error(text: string, detail?: string): void {
    this.channel.error(maskSecrets(detail ? `${text}\n${detail}` : text));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
