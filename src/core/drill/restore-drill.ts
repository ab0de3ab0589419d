/**
 * The logical restore drill: proves a dump restores by restoring it — into a throwaway local cluster, or into a
 * scratch database on a server the user names — then checks what came back against the archive's TOC, counts
 * every table's rows, and times each phase. The scratch database is always dropped and the throwaway cluster
 * always stopped and removed, also on failure and cancel. The dump is only read.
 */
import { basename } from 'node:path';
import type { ArchiveInfo } from '../archive/types';
import { childEnv } from '../connection/child-env';
import { withClient } from '../connection/client';
import { leftDatabaseNote } from '../connection/drop-database';
import { describeParams, toConninfo, type ConnParams } from '../connection/profile';
import { CONNECTION_LOST } from '../dump/failure';
import { sidecarPath } from '../dump/naming';
import { verifyChecksum } from '../dump/sidecar';
import { CancelledError, errorMessage, PgBackupError, type CleanupLog } from '../errors';
import { findExisting, isLookedUp, type Queryable } from '../restore/existing';
import { restoreArgv, validateRestoreOptions } from '../restore/options';
import { runRestore, type RestoreError } from '../restore/run';
import { describeEntry } from '../restore/toc-index';
import { pickRestoreTools } from '../restore/tool-version';
import { discoverTools, versionMajor, type ToolSet } from '../tools/discover';
import { installAdvice } from '../tools/pick';
import { connectableDatabases, countTables } from './count-tables';
import { readDumpFacts, type DumpFacts } from './dump-facts';
import { drillPlainRestore, firstConnectLine } from './plain-restore';
import type { DrillObjects, DrillPhase, DrillPlace, RestoreDrillResult } from './restore-drill-result';
import { withScratchCluster, type ScratchClusterInfo } from './scratch-cluster';
import { createScratchDatabase, DROP_RETRY, dropScratchDatabase, scratchDatabaseName } from './scratch-database';
import { drillToolSet } from './server-tools';
import { unreadableBackup } from './unreadable-drill';

export interface RestoreDrillOptions {
  /** A custom, tar or plain dump file, or a directory dump's folder. */
  path: string;
  /** Restore into a scratch database on this server; without it, into a throwaway local cluster. */
  server?: { params: ConnParams; password?: string };
  /** Installed PostgreSQL tools; default discoverTools(). */
  toolSets?: readonly ToolSet[];
  /** Where a throwaway cluster's scratch folder is made. Default the OS temp folder. */
  scratchParent?: string;
  signal?: AbortSignal;
  onProgress?: (step: string, percent: number) => void;
  /** Command lines, as they run. */
  log?: (line: string) => void;
  /** The clock, for the scratch database's name and the start time. */
  now?: () => Date;
  /** pg_restore's parallel jobs (custom and directory dumps), as a real restore would run it. Default 1. */
  jobs?: number;
  /** Told what a cancelled or failed drill cleaned up (scratch database, throwaway cluster) or had to leave. */
  onCleanup?: CleanupLog;
  /** How long the drop after a failure waits for a server that went away. Default DROP_RETRY (about 10 s). */
  dropRetry?: { attempts: number; delayMs: number };
}

/** Errors kept in the result; the count has them all. */
const MAX_ERRORS = 50;
/** A pg_restore busy for this long without printing, reading or writing (a truncated tar makes it spin) is stopped. */
const RESTORE_STALL_MS = 60_000;
/** Names listed in a problem sentence before "and N more". */
const LISTED = 10;

/** Owners and grantees of the original server are missing on a scratch cluster: worth a note, not a failure. */
export const isRoleWarning = (e: RestoreError): boolean => /^role ".*" does not exist/.test(e.message);

interface Prepared {
  dump: DumpFacts;
  client: { name: 'pg_restore' | 'psql'; path: string; version: string; jobs?: number };
  /** initdb/pg_ctl for the throwaway cluster (no server given). */
  serverSet?: ToolSet;
}

function newestPsql(sets: readonly ToolSet[]): ToolSet {
  const set = [...sets].sort((a, b) => b.major - a.major).find((s) => s.tools.psql);
  if (!set)
    throw new PgBackupError('No psql was found to restore this plain SQL dump.', 'tool-missing', {
      hint: installAdvice(15),
    });
  return set;
}

/**
 * Everything that can be refused before the drill starts (and so is not logged): usage, tools, a dangerous dump;
 * a backup that cannot be read is refused with the failed drill to log (UnreadableBackupError).
 */
async function prepare(o: RestoreDrillOptions, drill: { startedAt: Date; started: number }): Promise<Prepared> {
  // A backup that exists but cannot be read is a failed drill (logged by the caller), not only bad input.
  const dump = await readDumpFacts(o.path).catch(async (e: unknown) => {
    throw await unreadableBackup(o.path, e, drill);
  });
  const sets = o.toolSets ?? (await discoverTools());
  let client: Prepared['client'];
  if (dump.archive) {
    validateRestoreOptions({ jobs: o.jobs }, dump.archive.format);
    const set = pickRestoreTools(sets, dump.archive);
    client = {
      name: 'pg_restore',
      path: set.tools.pg_restore!,
      version: set.version,
      ...((o.jobs ?? 1) > 1 ? { jobs: o.jobs } : {}),
    };
  } else {
    if ((o.jobs ?? 1) > 1)
      throw new PgBackupError(`--jobs does not work with a plain SQL dump: psql restores it in one session.`, 'usage');
    const set = newestPsql(sets);
    client = { name: 'psql', path: set.tools.psql!, version: set.version };
    const connect = o.server ? await firstConnectLine(dump.path) : undefined;
    if (connect) {
      throw new PgBackupError(
        `${dump.name} switches databases itself (${connect.trim()}): made with --create or by pg_dumpall, on a server it would restore into that database, not a scratch one.`,
        'input',
        { hint: 'Drill it on a throwaway local cluster instead (leave out the server).' },
      );
    }
  }
  const major = versionMajor(dump.serverVersion) ?? versionMajor(dump.pgDumpVersion) ?? versionMajor(client.version);
  return { dump, client, serverSet: o.server ? undefined : drillToolSet(sets, major, 'same-or-newer') };
}

type Checksum = Pick<RestoreDrillResult, 'checksum'> & { problem?: string; warning?: string };

async function checkChecksum(dump: DumpFacts): Promise<Checksum> {
  const file = basename(sidecarPath(dump.path));
  if (dump.sidecar === 'absent')
    return {
      checksum: 'none',
      warning: `No checksum was recorded (no ${file}): the file's integrity was not verified.`,
    };
  if (dump.sidecar === 'unreadable')
    return {
      checksum: 'unreadable',
      warning: `${file} is not a pg-backup sidecar with a checksum: the file's integrity was not verified.`,
    };
  const r = await verifyChecksum(dump.path);
  if (r.ok) return { checksum: 'verified' };
  const parts = [
    r.changed.filter(Boolean).length && `changed: ${r.changed.join(', ')}`,
    r.missing.length && `missing: ${r.missing.join(', ')}`,
    r.added.length && `added: ${r.added.join(', ')}`,
  ].filter(Boolean);
  return {
    checksum: 'mismatch',
    problem: `The checksum does not match the sha256 recorded in ${file}${parts.length ? ` (${parts.join('; ')})` : ': the file changed since it was written'}.`,
  };
}

const listed = (names: string[]) =>
  `${names.slice(0, LISTED).join(', ')}${names.length > LISTED ? ` and ${names.length - LISTED} more` : ''}`;

/** Objects in the restored database by kind, from its catalogs (user schemas only). */
async function catalogCounts(c: Queryable): Promise<Record<string, number>> {
  const user = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'`;
  const { rows } = await c.query<{ kind: string; n: number }>(
    `select kind, count(*)::int as n from (
       select case c.relkind when 'r' then 'TABLE' when 'p' then 'TABLE' when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW'
                             when 'S' then 'SEQUENCE' when 'i' then 'INDEX' when 'f' then 'FOREIGN TABLE' end as kind
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${user} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'i', 'f')
       union all select 'FUNCTION' from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${user}
       union all select 'TRIGGER' from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where ${user} and not t.tgisinternal
       union all select 'CONSTRAINT' from pg_constraint k join pg_namespace n on n.oid = k.connamespace where ${user}
       union all select 'SCHEMA' from pg_namespace n where ${user}
     ) x group by kind order by kind`,
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** Runs fn on a connection that a cancel ends (which fails the query in flight). */
async function cancellable<T>(
  params: ConnParams,
  password: string | undefined,
  signal: AbortSignal | undefined,
  fn: (c: Queryable) => Promise<T>,
): Promise<T> {
  return withClient(params, { password }, async (c) => {
    const stop = () => void c.end().catch(() => undefined);
    signal?.addEventListener('abort', stop, { once: true });
    try {
      return await fn(c);
    } catch (e) {
      throw signal?.aborted ? new CancelledError('The drill') : e;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  });
}

/**
 * Catalog counts of everything a plain dump restored on a throwaway cluster, whichever databases it went into
 * (one made with --create switches to a database of its own): the sum over every database, less what a new
 * database holds (template1's objects: the public schema) for each database but one.
 */
async function clusterCounts(server: ConnParams, signal: AbortSignal | undefined): Promise<Record<string, number>> {
  const databases = await connectableDatabases(server);
  const total: Record<string, number> = {};
  const add = (counts: Record<string, number>, times: number) => {
    for (const [kind, n] of Object.entries(counts)) total[kind] = (total[kind] ?? 0) + n * times;
  };
  for (const database of databases)
    add(await cancellable({ ...server, database }, undefined, signal, catalogCounts), 1);
  add(await cancellable({ ...server, database: 'template1' }, undefined, signal, catalogCounts), 1 - databases.length);
  return Object.fromEntries(Object.entries(total).filter(([, n]) => n > 0));
}

async function compareObjects(c: Queryable, archive: ArchiveInfo | undefined): Promise<DrillObjects> {
  const counts = await catalogCounts(c);
  if (!archive) return { counts };
  const expected = archive.toc.entries().filter(isLookedUp);
  const found = await findExisting(c, expected);
  const missing = expected
    .filter((e) => !found.has(e.dumpId))
    .map((e) => ({ kind: e.desc, name: describeEntry(e).slice(e.desc.length + 1) }));
  return { expected: expected.length, tocEntries: archive.toc.count, missing, counts };
}

interface Outcome {
  errors: RestoreError[];
  failure?: string;
  objects: DrillObjects;
  tables: RestoreDrillResult['tables'];
  tablesTruncated: boolean;
}

/** Restore, compare and count in the scratch database `target`; countIn: the databases whose tables are counted (undefined: all). */
async function restoreCompareCount(
  o: RestoreDrillOptions,
  p: Prepared,
  target: ConnParams,
  countIn: string[] | undefined,
  timed: Timer,
): Promise<Outcome> {
  const password = o.server?.password;
  const progress = (step: string, percent: number) => o.onProgress?.(step, percent);
  const env = await childEnv(password);
  let errors: RestoreError[] = [];
  let failure: string | undefined;
  try {
    progress(`Restoring with ${p.client.name}`, 20);
    errors = await timed('restore', async () => {
      if (!p.dump.archive)
        return drillPlainRestore({
          psql: p.client.path,
          file: p.dump.path,
          conninfo: toConninfo(target),
          env: env.env,
          signal: o.signal,
          log: o.log,
        });
      const args = [
        '--no-privileges',
        ...restoreArgv({ noOwner: true, jobs: p.client.jobs }, p.dump.path, toConninfo(target)),
      ];
      const total = p.dump.archive.toc.count || 1;
      const onProgress = (r: { done: number; current: string }) =>
        progress(`Restoring: ${r.current}`, 20 + Math.round((60 * r.done) / total));
      const run = { pgRestore: p.client.path, args, env: env.env, signal: o.signal, total, onProgress, log: o.log };
      return (await runRestore({ ...run, stallMs: RESTORE_STALL_MS })).errors;
    }).catch((e: unknown) => {
      // A restore that dies without a parseable error (a truncated archive, a lost connection) fails the drill; the drill goes on to report what came back.
      if (e instanceof CancelledError || !(e instanceof PgBackupError) || e.kind !== 'tool-failed') throw e;
      failure = `${p.client.name} failed: ${e.message.replace(/^\S+ failed: /, '')}`;
      return [];
    });
  } finally {
    await env.dispose();
  }
  progress('Comparing with the dump', 80);
  const objects = await timed('compare', async () =>
    // A plain dump made with --create (on a throwaway cluster: countIn undefined) restores into a database of its own.
    p.dump.archive || countIn
      ? cancellable(target, password, o.signal, (c) => compareObjects(c, p.dump.archive))
      : { counts: await clusterCounts(target, o.signal) },
  );
  progress('Counting rows', 85);
  const { tables, truncated } = await timed('count', () => countTables(target, o.signal, countIn, password));
  return { errors, failure, objects, tables, tablesTruncated: truncated };
}

type Timer = <T>(phase: DrillPhase, fn: () => Promise<T>) => Promise<T>;

/**
 * Runs fn, then always drops the database; a drop failure only surfaces when fn itself succeeded. After a failure
 * or cancel, `stopped` drops it (retrying: the server may be restarting) and says what became of it.
 */
async function thenDrop<T>(fn: () => Promise<T>, drop: () => Promise<void>, stopped: () => Promise<void>): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    await stopped();
    throw e;
  }
  await drop();
  return result;
}

/**
 * A drill that was connected and lost its server says so, instead of "Cannot connect": the scratch database
 * (created, so the server was there) outlives the cause in the message.
 */
function serverWentAway(e: unknown, server: ConnParams): unknown {
  if (e instanceof CancelledError) return e;
  const text = `${errorMessage(e)}\n${e instanceof PgBackupError ? (e.detail ?? '') : ''}`;
  if (!(e instanceof PgBackupError && e.kind === 'unreachable') && !CONNECTION_LOST.test(text)) return e;
  return new PgBackupError(
    `The server ${describeParams(server)} went away during the drill (it closed the connection or stopped answering).`,
    'unreachable',
    { detail: text.trim(), hint: 'Check that the server is up, then run the drill again.' },
  );
}

function judge(
  p: Prepared,
  checksum: Checksum,
  out: Outcome,
): Pick<RestoreDrillResult, 'passed' | 'problems' | 'warnings' | 'emptyAfterError' | 'restore'> {
  const real = out.errors.filter((e) => !isRoleWarning(e));
  const warnings = out.errors.length - real.length;
  const problems: string[] = [];
  if (checksum.problem) problems.push(checksum.problem);
  if (out.failure) problems.push(out.failure);
  if (real.length) {
    const first = real[0];
    problems.push(
      `${p.client.name} reported ${real.length} error${real.length > 1 ? 's' : ''}; the first: ${first.message.split('\n')[0]}${first.dumpId ? ` (TOC entry ${first.dumpId})` : ''}.`,
    );
  }
  const missing = out.objects.missing ?? [];
  if (missing.length)
    problems.push(
      `${missing.length} object${missing.length > 1 ? 's' : ''} of the dump did not come back: ${listed(missing.map((m) => `${m.kind} ${m.name}`))}.`,
    );
  const failedData = new Set(real.map((e) => e.dumpId));
  const emptyAfterError = (p.dump.archive?.toc.entries() ?? [])
    .filter((e) => e.desc === 'TABLE DATA' && failedData.has(e.dumpId))
    .map((e) => ({ e, rows: out.tables.find((t) => t.schema === e.namespace && t.name === e.tag)?.rows ?? 0 }))
    .filter((x) => x.rows === 0)
    .map((x) => `${x.e.namespace}.${x.e.tag}`);
  if (emptyAfterError.length)
    problems.push(
      `${listed(emptyAfterError)} came back empty after an error restoring ${emptyAfterError.length > 1 ? 'their' : 'its'} data.`,
    );
  const notes = [
    checksum.warning,
    warnings
      ? `${warnings} statement${warnings > 1 ? 's' : ''} named roles that do not exist here (owners or grantees of the original server); they were skipped.`
      : undefined,
  ];
  return {
    passed: !problems.length,
    problems,
    warnings: notes.filter((n): n is string => !!n),
    emptyAfterError,
    restore: { errors: real.slice(0, MAX_ERRORS), errorCount: real.length, warningCount: warnings },
  };
}

export async function runRestoreDrill(o: RestoreDrillOptions): Promise<RestoreDrillResult> {
  try {
    return await drill(o);
  } catch (e) {
    // A cancel ends the drill's connections: their "Connection terminated" is the cancel itself.
    if (o.signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError('The drill');
    throw e;
  }
}

async function drill(o: RestoreDrillOptions): Promise<RestoreDrillResult> {
  const now = o.now ?? (() => new Date());
  const startedAt = now();
  const started = Date.now();
  const progress = (step: string, percent: number) => o.onProgress?.(step, percent);
  if (o.signal?.aborted) throw new CancelledError('The drill');
  const p = await prepare(o, { startedAt, started });
  const phases: RestoreDrillResult['phases'] = {};
  const timed: Timer = async (phase, fn) => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      phases[phase] = (phases[phase] ?? 0) + Date.now() - t;
    }
  };

  progress('Verifying the checksum', 0);
  const checksum =
    p.dump.sidecar === 'absent' ? await checkChecksum(p.dump) : await timed('checksum', () => checkChecksum(p.dump));
  if (o.signal?.aborted) throw new CancelledError('The drill');
  const dbName = scratchDatabaseName(p.dump.database ?? p.dump.name.replace(/\..*$/, ''), startedAt);
  let where: DrillPlace;
  let dataDir: ScratchClusterInfo['dataDir'] | undefined;

  const drillIn = async (server: ConnParams, password: string | undefined, countAll: boolean): Promise<Outcome> => {
    const info = await timed('prepare', () => createScratchDatabase(server, password, dbName));
    where = o.server
      ? {
          kind: 'scratch-database',
          server: describeParams(server),
          major: info.major,
          version: info.version,
          database: dbName,
        }
      : { kind: 'throwaway-cluster', major: info.major, version: info.version, database: dbName, dataDir };
    const target = { ...server, database: dbName };
    return thenDrop(
      () =>
        restoreCompareCount(o, p, target, countAll ? undefined : [dbName], timed).catch((e: unknown) => {
          throw o.signal?.aborted ? e : serverWentAway(e, server);
        }),
      () => {
        progress('Dropping the scratch database', 95);
        return dropScratchDatabase(server, password, dbName, info.major);
      },
      async () => {
        if (!o.server) return; // the throwaway cluster goes as a whole
        await dropScratchDatabase(server, password, dbName, info.major, o.dropRetry ?? DROP_RETRY).then(
          () => o.onCleanup?.(`dropped the scratch database ${dbName}`),
          (e: unknown) => o.onCleanup?.(leftDatabaseNote('scratch database', dbName, server, errorMessage(e))),
        );
      },
    );
  };

  let out: Outcome;
  if (o.server) {
    progress('Creating a scratch database', 10);
    out = await drillIn(o.server.params, o.server.password, false);
  } else {
    progress(`Starting a throwaway PostgreSQL ${p.serverSet!.major}`, 10);
    const t = Date.now();
    // A plain dump made with --create restores into a database of its own: on a throwaway cluster, count them all.
    const cluster = { toolSet: p.serverSet!, scratchParent: o.scratchParent, signal: o.signal, log: o.log };
    const onCleanup = o.onCleanup;
    out = await withScratchCluster({ ...cluster, onCleanup }, (server, made) => {
      phases.prepare = Date.now() - t;
      dataDir = made.dataDir;
      return drillIn(server, undefined, true);
    });
  }
  progress('Done', 100);
  return {
    backup: {
      path: p.dump.path,
      name: p.dump.name,
      format: p.dump.format,
      database: p.dump.database,
      serverVersion: p.dump.serverVersion,
      pgDumpVersion: p.dump.pgDumpVersion,
    },
    ...judge(p, checksum, out),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - started,
    phases,
    checksum: checksum.checksum,
    where: where!,
    tools: {
      restore: { name: p.client.name, version: p.client.version, ...(p.client.jobs ? { jobs: p.client.jobs } : {}) },
      ...(p.serverSet ? { server: { name: 'postgres' as const, version: p.serverSet.version } } : {}),
    },
    objects: out.objects,
    tables: out.tables,
    tablesTruncated: out.tablesTruncated,
    totalRows: out.tables.reduce((n, t) => n + t.rows, 0),
  };
}
