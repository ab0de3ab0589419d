/**
 * A brand-new private cluster for a logical restore drill: a copy of this initdb's cached template (see
 * initdb-template.ts; plain initdb when it is off or unusable) in a scratch folder, a server on a free port with
 * its socket in that folder (no TCP), trust for the local superuser. Durability is switched off: the cluster
 * lives for one drill, and fsync would only slow the restore being timed.
 */
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnParams } from '../connection/profile';
import { CancelledError, PgBackupError, type CleanupLog } from '../errors';
import type { ToolSet } from '../tools/discover';
import { drillSettings, writeAccessFiles } from './drill-settings';
import { copyTemplate, dropTemplate, INITDB_ARGS, initdbTemplate, SUPERUSER, type Template } from './initdb-template';
import { serverOwner, type ServerOwner } from './server-owner';
import { newScratchFolder, prepareScratchFolder, startFailure, stopServer } from './throwaway-server';

export interface ScratchClusterOptions {
  /** initdb and pg_ctl of the major to run (see drillToolSet). */
  toolSet: ToolSet;
  /** Where the scratch folder is made. Default a temp folder the server's OS user can reach (ServerOwner). */
  scratchParent?: string;
  /** Copy a cached, freshly initdb'd data directory instead of running initdb for each cluster. Default true. */
  reuseInitdb?: boolean;
  /** Where the initdb templates are kept; default a private folder of the server's OS user in the OS temp folder. */
  templateFolder?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Told, when fn or the start failed or was cancelled, that the server was stopped and its folder removed. */
  onCleanup?: CleanupLog;
}

/** How the cluster's data directory was made, and how long that and the start took. */
export interface ScratchClusterInfo {
  /** Copied from the cached template (`template-built`: made by this drill first), or by initdb. */
  dataDir: 'template-reused' | 'template-built' | 'initdb';
  /** Making the data directory: the template copy (and its build), or initdb. */
  initdbMs: number;
  startMs: number;
}

const FAST_SETTINGS = ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off', ''];

/** Runs fn against a throwaway cluster; the server is always stopped and the folder removed, also on cancel. */
export async function withScratchCluster<T>(
  o: ScratchClusterOptions,
  fn: (params: ConnParams, info: ScratchClusterInfo) => Promise<T>,
): Promise<T> {
  if (process.platform === 'win32')
    throw new PgBackupError(
      'A throwaway cluster runs on a Unix socket: it needs Linux or macOS. Give a server with --conn instead.',
      'usage',
    );
  const owner = serverOwner(o.log);
  const { initdb, pg_ctl: pgCtl } = o.toolSet.tools;
  if (!initdb || !pgCtl)
    throw new PgBackupError(`initdb and pg_ctl ${o.toolSet.major} are needed for a throwaway cluster.`, 'tool-missing');
  const folder = await newScratchFolder(o.scratchParent ?? (await owner.tempFolder(o.signal)));
  const { scratch, dataDir, socketDir, logFile } = folder;
  let launched = false;
  let startInterrupted = false;
  let finished = false;
  try {
    const place = await prepareScratchFolder(folder);
    const { port } = place;
    await writeAccessFiles(place);
    await owner.adopt(scratch, o.signal);
    const info: ScratchClusterInfo = { dataDir: 'initdb', initdbMs: 0, startMs: 0 };

    /** Fills the empty data directory from the template (or with initdb) and starts the server. */
    const makeAndStart = async (template: Template | undefined) => {
      let t = Date.now();
      if (template) await copyTemplate(owner, template.dir, dataDir, o.signal);
      else await owner.run({ file: initdb, args: ['-D', dataDir, ...INITDB_ARGS], signal: o.signal });
      info.dataDir = template ? (template.built ? 'template-built' : 'template-reused') : 'initdb';
      info.initdbMs += Date.now() - t;
      // Appending keeps the file's owner (the server's user), so this works when we are root too.
      await appendFile(
        join(dataDir, 'postgresql.auto.conf'),
        [...drillSettings(o.toolSet.major, place), ...FAST_SETTINGS].join('\n'),
      );
      t = Date.now();
      launched = true;
      await owner
        .run({ file: pgCtl, args: ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], signal: o.signal })
        .catch(async (e: unknown) => {
          if (e instanceof CancelledError) {
            startInterrupted = true;
            throw e;
          }
          throw startFailure(o.toolSet.major, await readFile(logFile, 'utf8').catch(() => ''), e);
        });
      info.startMs = Date.now() - t;
    };

    const t = Date.now();
    const template = o.reuseInitdb === false ? undefined : await cachedTemplate(o, owner, initdb);
    info.initdbMs = Date.now() - t;
    try {
      await makeAndStart(template);
    } catch (e) {
      if (!template || e instanceof CancelledError) throw e;
      // A damaged template must not fail drills: drop it (the next drill builds it again) and run initdb this once.
      o.log?.(
        `The initdb template ${template.dir} did not give a working cluster (${(e as Error).message}): dropped, running initdb instead.`,
      );
      if (launched) await stopServer(owner, pgCtl, dataDir, false);
      launched = false;
      await dropTemplate(template.dir).catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir, { mode: 0o700 });
      await owner.adopt(dataDir, o.signal);
      await makeAndStart(undefined);
    }
    const result = await fn({ host: socketDir, port, user: SUPERUSER, database: 'postgres', sslmode: 'disable' }, info);
    finished = true;
    return result;
  } finally {
    if (launched) await stopServer(owner, pgCtl, dataDir, startInterrupted);
    await rm(scratch, { recursive: true, force: true });
    const stopped = launched ? `stopped the throwaway PostgreSQL ${o.toolSet.major} server and ` : '';
    if (!finished) o.onCleanup?.(`${stopped}removed ${scratch}`);
  }
}

/** This initdb's template, or none (initdb then runs in the drill's own folder) when the cache cannot be used. */
async function cachedTemplate(o: ScratchClusterOptions, owner: ServerOwner, initdb: string) {
  try {
    return await initdbTemplate({ owner, toolSet: o.toolSet, initdb, folder: o.templateFolder, signal: o.signal });
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    o.log?.(`No initdb template (${(e as Error).message}): running initdb.`);
    return undefined;
  }
}
