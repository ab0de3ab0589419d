import type * as vscode from 'vscode';
import type { S3Credentials } from '../core/offsite/types';

/**
 * Small JSON records in VS Code's SecretStorage (the OS keychain), one per id under a prefix: never in settings,
 * logs or the output channel. A stored value that is not one (hand-edited, from an older version) reads as none.
 */
export class Keychain<T> {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly prefix: string,
    private readonly isValid: (value: unknown) => value is T,
  ) {}

  private key(id: string): string {
    return `${this.prefix}.${id}`;
  }

  async get(id: string): Promise<T | undefined> {
    const text = await this.storage.get(this.key(id));
    if (!text) return undefined;
    try {
      const value: unknown = JSON.parse(text);
      return this.isValid(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  set(id: string, value: T): Thenable<void> {
    return this.storage.store(this.key(id), JSON.stringify(value));
  }

  delete(id: string): Thenable<void> {
    return this.storage.delete(this.key(id));
  }
}

/** An access key id and its secret, both non-empty strings (a session token optional). */
export function isS3Credentials(v: unknown): v is S3Credentials {
  const k = v as { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown } | null;
  return (
    typeof k?.accessKeyId === 'string' &&
    !!k.accessKeyId &&
    typeof k.secretAccessKey === 'string' &&
    !!k.secretAccessKey &&
    (k.sessionToken === undefined || typeof k.sessionToken === 'string')
  );
}
