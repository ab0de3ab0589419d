import { discoverTools, type ToolName, type ToolSet } from '../core/tools/discover';
import { pickToolSet } from '../core/tools/pick';
import type { Config } from './config';

/** Discovers client tools once (probing in parallel) and again when pgBackup.toolFolders changes. */
export class ToolsService {
  private cached: Promise<ToolSet[]> | undefined;

  constructor(private readonly config: Config) {}

  all(): Promise<ToolSet[]> {
    this.cached ??= discoverTools(this.config.toolFolders());
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  async forServer(serverMajor: number, serverVersion: string, tool: ToolName = 'pg_dump'): Promise<ToolSet> {
    return pickToolSet(await this.all(), serverMajor, serverVersion, tool);
  }
}
