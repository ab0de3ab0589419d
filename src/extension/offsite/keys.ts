import type * as vscode from 'vscode';
import type { S3Credentials } from '../../core/offsite/types';
import { isS3Credentials, Keychain } from '../keychain';

/**
 * Access keys per off-site destination, in VS Code's SecretStorage (the OS keychain): never in settings, logs or
 * the output channel. A destination without keys uses the AWS SDK's default chain (environment, profiles, SSO).
 */
export class OffsiteKeys extends Keychain<S3Credentials> {
  constructor(storage: vscode.SecretStorage) {
    super(storage, 'pgBackup.offsite.keys', isS3Credentials);
  }
}
