import * as vscode from 'vscode';
import type { Client } from 'pg';
import { connect } from '../core/connection/client';
import type { ConnectionProfile } from '../core/connection/profile';
import { PgBackupError } from '../core/errors';
import type { Config } from './config';
import type { Passwords } from './secrets';

/**
 * Opens connections for saved profiles: the password from SecretStorage if one is saved, else libpq's ways
 * (PGPASSWORD, PGPASSFILE / ~/.pgpass). On an authentication failure, when `interactive`, asks for the password,
 * retries once and saves it only if it worked.
 */
export class Connections {
  constructor(
    private readonly config: Config,
    private readonly passwords: Passwords,
  ) {}

  find(name: string): ConnectionProfile | undefined {
    return this.config.connections().find((c) => c.profile.name === name)?.profile;
  }

  password(profile: ConnectionProfile): Thenable<string | undefined> {
    return this.passwords.get(profile.name);
  }

  async open(profile: ConnectionProfile, opts: { database?: string; interactive?: boolean } = {}): Promise<Client> {
    const params = { ...profile, database: opts.database ?? profile.database };
    const timeout = this.config.connectTimeoutSeconds();
    const saved = await this.passwords.get(profile.name);
    try {
      return await connect(params, { password: saved, connectTimeoutSec: timeout });
    } catch (e) {
      if (!(e instanceof PgBackupError) || e.kind !== 'auth' || !opts.interactive) throw e;
      const entered = await vscode.window.showInputBox({
        title: `Password for ${profile.name}`,
        prompt: `${e.message} Enter the password for user "${profile.user ?? ''}". It is kept in VS Code's secret storage.`,
        password: true,
        ignoreFocusOut: true,
      });
      if (entered === undefined) throw e;
      const client = await connect(params, { password: entered, connectTimeoutSec: timeout });
      await this.passwords.set(profile.name, entered);
      return client;
    }
  }

  async with<T>(
    profile: ConnectionProfile,
    opts: { database?: string; interactive?: boolean },
    fn: (c: Client) => Promise<T>,
  ): Promise<T> {
    const c = await this.open(profile, opts);
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}
