import * as vscode from 'vscode';
import type { ConnectionProfile } from '../core/connection/profile';
import { PgBackupError } from '../core/errors';
import type { Config } from './config';
import type { Connections } from './connections';
import type { Log } from './log';
import type { ReadOnlyDocuments } from './read-only-documents';
import type { Passwords } from './secrets';
import type { StatusService } from './status/status-service';
import type { ToolsService } from './tools-service';
import type { ProgressSink } from './ui/progress';
import type { BackupsTree } from './tree/backups-tree';
import type { ConnectionsTree } from './tree/connections-tree';

/** The long-lived services every command gets. Built once in activate(). */
export interface Ctx {
  extension: vscode.ExtensionContext;
  config: Config;
  log: Log;
  passwords: Passwords;
  tools: ToolsService;
  connections: Connections;
  connectionsTree: ConnectionsTree;
  backupsTree: BackupsTree;
  /** Read-only documents: schema diff sides and reports. */
  documents: ReadOnlyDocuments;
  /** RPO/RTO status of the saved connections' databases. */
  status: StatusService;
}

/**
 * A command's UI part is a factory: (ctx) => handler of what the palette, menus and tree items pass (nothing, a
 * node, a name). One per file under commands/.
 */
export type CommandFactory = (ctx: Ctx) => (...args: never[]) => unknown;

/**
 * A command's headless part: an arguments object in, its result out, failures thrown as PgBackupError; it asks
 * nothing and shows nothing. The UI part passes its progress notification (percent and cancel) as `progress`.
 */
export type Headless<A, R> = (ctx: Ctx) => (args: A, progress?: ProgressSink) => Promise<R>;

/** The saved connection a headless command names; a usage error when there is none. */
export function savedConnection(ctx: Ctx, name: string): ConnectionProfile {
  const profile = ctx.connections.find(name);
  if (!profile) throw new PgBackupError(`No saved connection named "${name}".`, 'usage');
  return profile;
}
