import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import type { ConnParams } from '../connection/profile';
import { toConninfo } from '../connection/profile';
import { serverInfo } from '../connection/server-info';
import { runTool } from '../process/run-tool';
import { discoverTools, type ToolSet } from '../tools/discover';
import { pickToolSet, toolPath } from '../tools/pick';
import type { SchemaContentOptions } from './normalize';

/** Where the schema comes from and which pg_dump reads it. */
export interface SchemaSource {
  conn: ConnParams;
  /** Never put in argv or logs: it reaches pg_dump through a temporary pgpass file. */
  password?: string;
  /** Use this pg_dump; otherwise the lowest installed major ≥ the server's is picked. */
  pgDumpPath?: string;
  /** Tool sets to pick from (e.g. already discovered by the extension); discovered when absent. */
  toolSets?: readonly ToolSet[];
  /** Extra folders to look for client tools in (the "pgBackup.toolFolders" setting). */
  toolFolders?: readonly string[];
  signal?: AbortSignal;
  /** Receives the pg_dump command line (no secrets in it). */
  log?: (line: string) => void;
}

export interface RawSchemaDump {
  text: string;
  pgDumpPath: string;
  /** Only known when pg_dump was picked for the server. */
  serverVersion?: string;
}

/** pg_dump arguments for a schema-only plain dump. UTF8 so the bytes do not depend on the client's locale. */
export function schemaDumpArgs(conn: ConnParams, opts: SchemaContentOptions): string[] {
  return [
    '--schema-only',
    '--encoding=UTF8',
    '--no-password',
    ...(opts.includeOwners ? [] : ['--no-owner']),
    ...(opts.includePrivileges ? [] : ['--no-privileges']),
    ...(opts.schemas ?? []).map((s) => `--schema=${s}`),
    `--dbname=${toConninfo(conn)}`,
  ];
}

async function choosePgDump(src: SchemaSource): Promise<{ path: string; serverVersion?: string }> {
  if (src.pgDumpPath) return { path: src.pgDumpPath };
  const [info, sets] = await Promise.all([
    withClient(src.conn, { password: src.password }, serverInfo),
    src.toolSets ?? discoverTools(src.toolFolders),
  ]);
  return {
    path: toolPath(pickToolSet(sets, info.major, info.version, 'pg_dump'), 'pg_dump'),
    serverVersion: info.version,
  };
}

/**
 * Runs `pg_dump --schema-only` and returns its output as written (see normalizeDump). pg_dump writes into a
 * temporary file rather than a pipe: it never waits for us to drain it, which keeps it as fast as a plain run.
 * `starting` is called just before pg_dump is started: work the caller does meanwhile, begun there, does not delay
 * the connection and tool lookup that come first.
 */
export async function dumpSchema(
  src: SchemaSource,
  opts: SchemaContentOptions,
  starting?: () => void,
): Promise<RawSchemaDump> {
  const { path, serverVersion } = await choosePgDump(src);
  const env = await childEnv(src.password);
  const dir = await mkdtemp(join(tmpdir(), 'pg-backup-schema-'));
  try {
    const out = join(dir, 'schema.sql');
    starting?.();
    await runTool({
      file: path,
      args: schemaDumpArgs(src.conn, opts),
      env: env.env,
      signal: src.signal,
      log: src.log,
      stdoutFile: out,
    });
    return { text: await readFile(out, 'utf8'), pgDumpPath: path, serverVersion };
  } finally {
    await Promise.all([env.dispose(), rm(dir, { recursive: true, force: true })]);
  }
}
