import * as vscode from 'vscode';
import type { ConnectionProfile } from '../core/connection/profile';

/** Setting keys, in one place. */
export const SETTINGS = {
  connections: 'connections',
  toolFolders: 'toolFolders',
  backupFolders: 'backupFolders',
  connectTimeout: 'connectTimeoutSeconds',
  backupsGroupBy: 'backupsGroupBy',
  drillJobs: 'drill.jobs',
} as const;

const SECTION = 'pgBackup';

/** Typed access to the pgBackup.* settings. */
export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /**
   * Connections from workspace and user settings. In an untrusted workspace the workspace's connections are
   * ignored (a folder could point us at any server), and only the user's own are read.
   */
  connections(): { profile: ConnectionProfile; scope: 'workspace' | 'global' }[] {
    const inspected = this.cfg.inspect<ConnectionProfile[]>(SETTINGS.connections);
    const global = (inspected?.globalValue ?? []).map((profile) => ({ profile, scope: 'global' as const }));
    const workspace = vscode.workspace.isTrusted
      ? [...(inspected?.workspaceValue ?? []), ...(inspected?.workspaceFolderValue ?? [])].map((profile) => ({
          profile,
          scope: 'workspace' as const,
        }))
      : [];
    const seen = new Set<string>();
    return [...workspace, ...global].filter(
      (c) => c.profile?.name && !seen.has(c.profile.name) && seen.add(c.profile.name),
    );
  }

  async saveConnections(scope: 'workspace' | 'global', list: ConnectionProfile[]): Promise<void> {
    const target = scope === 'global' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
    await this.cfg.update(SETTINGS.connections, list.length ? list : undefined, target);
  }

  connectionsIn(scope: 'workspace' | 'global'): ConnectionProfile[] {
    const inspected = this.cfg.inspect<ConnectionProfile[]>(SETTINGS.connections);
    return [...((scope === 'global' ? inspected?.globalValue : inspected?.workspaceValue) ?? [])];
  }

  toolFolders(): string[] {
    return this.cfg.get<string[]>(SETTINGS.toolFolders, []);
  }

  connectTimeoutSeconds(): number {
    return this.cfg.get<number>(SETTINGS.connectTimeout, 10);
  }

  backupFolders(): string[] {
    return this.cfg.get<string[]>(SETTINGS.backupFolders, []);
  }

  drillJobs(): number {
    return this.cfg.get<number>(SETTINGS.drillJobs, 1);
  }

  backupsGroupBy(): 'database' | 'folder' {
    return this.cfg.get<'database' | 'folder'>(SETTINGS.backupsGroupBy, 'database');
  }

  affects(e: vscode.ConfigurationChangeEvent, key: keyof typeof SETTINGS): boolean {
    return e.affectsConfiguration(`${SECTION}.${SETTINGS[key]}`);
  }
}
