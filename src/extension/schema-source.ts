import type { ConnectionProfile } from '../core/connection/profile';
import type { SchemaSource } from '../core/schema';
import type { Ctx } from './context';

/** The core's SchemaSource for a saved connection and database: password from secret storage, tools discovered once. */
export async function schemaSource(
  ctx: Ctx,
  profile: ConnectionProfile,
  database: string,
  signal?: AbortSignal,
): Promise<SchemaSource> {
  return {
    conn: { ...profile, database },
    password: await ctx.connections.password(profile),
    toolSets: await ctx.tools.all(),
    signal,
    log: (line) => ctx.log.command(line),
  };
}
