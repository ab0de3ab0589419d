import type * as vscode from 'vscode';
import type { S3Credentials } from '../../core/offsite/types';

/**
 * Access keys per off-site destination, in VS Code's SecretStorage (the OS keychain): never in settings, logs or
 * the output channel. A destination without keys uses the AWS SDK's default chain (environment, profiles, SSO).
 */
export class OffsiteKeys {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(destination: string): string {
    return `pgBackup.offsite.keys.${destination}`;
  }

  async get(destination: string): Promise<S3Credentials | undefined> {
    const text = await this.storage.get(this.key(destination));
    if (!text) return undefined;
    try {
      const k = JSON.parse(text) as S3Credentials;
      return k.accessKeyId && k.secretAccessKey ? k : undefined;
    } catch {
      return undefined;
    }
  }

  set(destination: string, keys: S3Credentials): Thenable<void> {
    return this.storage.store(this.key(destination), JSON.stringify(keys));
  }

  delete(destination: string): Thenable<void> {
    return this.storage.delete(this.key(destination));
  }
}
