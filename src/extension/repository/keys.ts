import type * as vscode from 'vscode';
import { s3KeyEnv, S3_KEYS_REFUSED } from '../../core/engines/pgbackrest/s3-keys';
import type { RepoSpec } from '../../core/engines/types';
import type { S3Credentials } from '../../core/offsite/types';
import { isS3Credentials, Keychain } from '../keychain';
import { repoText } from './settings';

/**
 * A pgBackRest S3 repository's keys, per connection and repository, in SecretStorage (the OS keychain). They reach
 * pgBackRest only as PGBACKREST_REPO1_S3_KEY / _SECRET in the environment of each run (EngineRunOptions.env):
 * never argv, settings, logs, the output channel or the generated config.
 */
export class RepositoryKeys extends Keychain<S3Credentials> {
  constructor(storage: vscode.SecretStorage) {
    super(storage, 'pgBackup.repository.keys', isS3Credentials);
  }

  /** The keychain id: the connection and the repository (its engine, name and config file). */
  static id(connection: string, repo: RepoSpec): string {
    return JSON.stringify([connection, repoText(repo), repo.config ?? '']);
  }

  /** The engine environment for this connection's repository: its keys, or undefined when it has none. */
  async env(connection: string, repo: RepoSpec): Promise<Record<string, string> | undefined> {
    if (repo.engine !== 'pgbackrest') return undefined;
    const keys = await this.get(RepositoryKeys.id(connection, repo));
    return keys && s3KeyEnv(keys);
  }
}

/** Whether an engine's message says the repository's S3 keys are missing or refused (Set Repository Keys… helps). */
export const keysProblem = (repo: RepoSpec, message: string): boolean =>
  repo.engine === 'pgbackrest' && S3_KEYS_REFUSED.test(message);

/** `AKIA…WXYZ`: enough of an access key id to recognise it, in messages; the secret is never shown. */
export function maskKeyId(id: string): string {
  return id.length <= 8 ? `${id.slice(0, 2)}…` : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** A line with every secret value of `env` replaced by `***`, for the output channel (pgBackRest redacts its own). */
export function redactEnv(line: string, env: Record<string, string> | undefined): string {
  if (!env) return line;
  let out = line;
  for (const [name, value] of Object.entries(env))
    if (/SECRET|TOKEN/.test(name) && value) out = out.split(value).join('***');
  return out;
}
