import * as vscode from 'vscode';
import type { Config } from './config';
import type { Connections } from './connections';
import type { Log } from './log';
import type { ReadOnlyDocuments } from './read-only-documents';
import type { Passwords } from './secrets';
import type { StatusService } from './status/status-service';
import type { ToolsService } from './tools-service';
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

/** A command is a factory: (ctx) => handler. One per file under commands/. */
export type CommandFactory = (ctx: Ctx) => (...args: never[]) => unknown;
