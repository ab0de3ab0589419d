import type * as vscode from 'vscode';

/** Passwords, per connection name, in VS Code's SecretStorage (the OS keychain): never in settings. */
export class Passwords {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(name: string): string {
    return `pgBackup.password.${name}`;
  }

  get(name: string): Thenable<string | undefined> {
    return this.storage.get(this.key(name));
  }

  set(name: string, password: string): Thenable<void> {
    return this.storage.store(this.key(name), password);
  }

  delete(name: string): Thenable<void> {
    return this.storage.delete(this.key(name));
  }
}
