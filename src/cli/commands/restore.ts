import { readCheckedArchive } from '../../core/archive/read-archive';
import type { ArchiveInfo } from '../../core/archive/types';
import { withClient } from '../../core/connection/client';
import { describeParams, toConninfo, type ConnParams } from '../../core/connection/profile';
import { PgBackupError } from '../../core/errors';
import { detectArchiveFormat, PLAIN_DUMP_ADVICE } from '../../core/archive/detect';
import { executePlainRestore, executeRestore, planArgv, type ExecutedRestore } from '../../core/restore/execute';
import type { RestoreOptions } from '../../core/restore/options';
import { plainSqlArgv } from '../../core/restore/plain';
import { planRestore, type PlannedRestore } from '../../core/restore/planner';
import { destructivePreflight, preflightLines } from '../../core/restore/preflight';
import { restoreCommandLine, type RestoreError } from '../../core/restore/run';
import { describeEntry } from '../../core/restore/toc-index';
import { pickRestoreTools } from '../../core/restore/tool-version';
import { discoverTools, type ToolSet } from '../../core/tools/discover';
import { defineCommand, EXIT, type CliIo } from '../command';
import { flag, flags, has, numberFlag, type ParsedArgs } from '../flags';
import { withBackupArg } from '../remote-backup-arg';
import { resolveConnArg } from '../resolve-conn';
import { S3_FLAGS } from '../s3-flags';

const SWITCHES = {
  clean: 'clean',
  'if-exists': 'ifExists',
  create: 'create',
  'no-owner': 'noOwner',
  'schema-only': 'schemaOnly',
  'data-only': 'dataOnly',
  'single-transaction': 'singleTransaction',
  'exit-on-error': 'exitOnError',
} as const;

function optionsFromArgs(p: ParsedArgs): RestoreOptions {
  const o: RestoreOptions = {};
  for (const [name, key] of Object.entries(SWITCHES)) if (has(p, name)) o[key] = true;
  const jobs = numberFlag(p, 'jobs');
  if (jobs !== undefined) o.jobs = jobs;
  const role = flag(p, 'role');
  if (role) o.role = role;
  return o;
}

/** The plan as a reader checks it before running: what runs, what is skipped and why, what is left out. */
function describePlan(plan: PlannedRestore): string[] {
  const out = plan.items.map(
    (i) => `  ${i.action.padEnd(8)} ${describeEntry(i.entry)}  (${i.reason}${i.note ? `; ${i.note}` : ''})`,
  );
  if (plan.omitted.length)
    out.push('Left out:', ...plan.omitted.map((o) => `  ${describeEntry(o.entry)}: ${o.reason}`));
  return [...out, ...plan.notes.map((n) => `Note: ${n}`)];
}

async function makePlan(
  archive: ArchiveInfo,
  p: ParsedArgs,
  options: RestoreOptions,
  target: ConnParams,
  password?: string,
): Promise<PlannedRestore> {
  const request = { archive, select: flags(p, 'select'), withDependents: has(p, 'with-dependents'), options };
  // With --create the database is created by pg_restore: there is nothing in it to compare with yet.
  if (options.create) return planRestore(request);
  return withClient(target, { password }, (client) => planRestore({ ...request, target: client }));
}

function printSummary(io: CliIo, json: boolean, plan: PlannedRestore | undefined, s: ExecutedRestore): void {
  if (json) {
    const items = plan?.items.map((i) => ({
      dumpId: i.entry.dumpId,
      kind: i.entry.desc,
      schema: i.entry.namespace,
      name: i.entry.tag,
      action: i.action,
      origin: i.origin,
      reason: i.reason,
      note: i.note,
    }));
    io.out(JSON.stringify({ ...(items ? { plan: items } : {}), ...s }, null, 2));
    return;
  }
  const r = s.report;
  (r.verdict === 'warning' ? io.err : io.out)(`${r.verdict === 'warning' ? 'Warning: ' : ''}${r.headline}`);
  for (const k of r.skipped) io.out(`  skipped ${k.label}: ${k.reason}`);
  for (const t of r.rows) io.out(`  ${t.table}: ${t.rows === null ? (t.note ?? '?') : `${t.rows} rows`}`);
}

/** Options that only pg_restore has: a plain dump runs whole through psql. */
const ARCHIVE_ONLY = ['select', 'with-dependents', 'jobs', 'role', ...Object.keys(SWITCHES)];

/** The newest psql found (psql talks to older servers; a plain dump is SQL text). */
function newestPsql(sets: readonly ToolSet[]): string {
  const psql = [...sets].sort((a, b) => b.major - a.major).find((s) => s.tools.psql)?.tools.psql;
  if (!psql) {
    const hint = 'Install the PostgreSQL client tools.';
    throw new PgBackupError('No psql was found to restore this plain SQL dump.', 'tool-missing', { hint });
  }
  return psql;
}

/** A plain SQL dump, whole, with psql (ON_ERROR_STOP=1, progress by statements), then rows per table. */
async function restorePlain(file: string, p: ParsedArgs, io: CliIo): Promise<number> {
  const given = ARCHIVE_ONLY.find((name) => has(p, name));
  if (given) {
    const message = `--${given} does not apply to a plain SQL dump: psql restores it whole.`;
    throw new PgBackupError(message, 'usage', { hint: PLAIN_DUMP_ADVICE });
  }
  const { params, password } = resolveConnArg(p.positional[1], io.env);
  const psql = newestPsql(await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env));
  if (has(p, 'dry-run')) {
    const argv = plainSqlArgv({ file, conninfo: toConninfo(params), stopOnError: true, onProgress: () => undefined });
    io.out(restoreCommandLine(psql, argv));
    return EXIT.ok;
  }
  const summary = await executePlainRestore({
    file,
    psql,
    target: params,
    password,
    signal: io.signal,
    onProgress: (pr) => io.progress(`Restoring ${pr.done}/${pr.total}: ${pr.current}`),
  });
  printSummary(io, has(p, 'json'), undefined, summary);
  if (summary.errors.length) throw restoreErrors(summary.errors, 'psql');
  return EXIT.ok;
}

const describeError = (e: RestoreError) =>
  `error${e.dumpId ? ` in TOC entry ${e.dumpId}` : ''}: ${e.message}` +
  (e.statement ? `\n  statement: ${e.statement.replace(/\n/g, '\n  ')}` : '');

/** pg_restore's errors as the command's one error (main prints it with the prefix), every one in the detail. */
function restoreErrors(errors: RestoreError[], tool = 'pg_restore'): PgBackupError {
  const first = errors[0];
  const where = first.dumpId ? ` (TOC entry ${first.dumpId})` : '';
  const line = `${tool} reported ${errors.length} error(s); the first${where}: ${first.message.split('\n')[0]}`;
  return new PgBackupError(line, 'tool-failed', { detail: errors.map(describeError).join('\n') });
}

/** The plan is worth reading when it is not simply "everything": something is skipped, recreated, left out or noted. */
const planIsNews = (plan: PlannedRestore) =>
  plan.items.some((i) => i.action !== 'restore') || plan.omitted.length > 0 || plan.notes.length > 0;

/** Restores a local backup file or folder (a fetched remote one included). */
async function restoreFile(file: string, p: ParsedArgs, io: CliIo): Promise<number> {
  if ((await detectArchiveFormat(file)) === 'plain') return restorePlain(file, p, io);
  const archive = await readCheckedArchive(file);
  const options = optionsFromArgs(p);
  const { params, password } = resolveConnArg(p.positional[1], io.env);
  const tools = pickRestoreTools(
    await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env),
    archive,
  );
  const pgRestore = tools.tools.pg_restore!;
  const plan = await makePlan(archive, p, options, params, password);
  const json = has(p, 'json');

  if (has(p, 'dry-run')) {
    const command = restoreCommandLine(pgRestore, planArgv(archive, plan, params, 'restore.list'));
    if (json)
      io.out(
        JSON.stringify(
          {
            listFile: plan.listFile,
            command,
            items: plan.items.map((i) => ({
              dumpId: i.entry.dumpId,
              action: i.action,
              reason: i.reason,
              note: i.note,
            })),
            omitted: plan.omitted.map((o) => ({ dumpId: o.entry.dumpId, reason: o.reason })),
            notes: plan.notes,
          },
          null,
          2,
        ),
      );
    else
      io.out(
        [
          ...describePlan(plan),
          '',
          '# restore.list',
          plan.listFile,
          '# command (save the list above as restore.list)',
          command,
        ].join('\n'),
      );
    return EXIT.ok;
  }
  if (!plan.total)
    throw new PgBackupError('Nothing to restore: every selected object already exists in the target.', 'input', {
      hint: 'Use --clean to drop and recreate them.',
    });
  if (plan.options.clean && !has(p, 'yes')) {
    const pre = options.create
      ? undefined
      : await withClient(params, { password }, (c) => destructivePreflight(c, plan));
    const dropped = pre?.drops.length ?? plan.items.filter((i) => i.action === 'recreate').length;
    throw new PgBackupError(
      `--clean drops ${dropped} object(s) in ${describeParams(params)} before restoring them. Add --yes to confirm.`,
      'usage',
      { hint: pre ? preflightLines(pre).join('\n') : undefined },
    );
  }
  // Shown once pg_restore is under way (not before a failure to start), and only when it says something.
  let planShown = json || !planIsNews(plan);
  const summary = await executeRestore({
    archive,
    plan,
    target: params,
    password,
    pgRestore,
    signal: io.signal,
    onCleanup: io.cleanup,
    onProgress: (pr) => {
      if (!planShown) io.err(describePlan(plan).join('\n'));
      planShown = true;
      io.progress(`Restoring ${pr.done}/${pr.total}: ${pr.percent}% · ${pr.current}`);
    },
  });
  printSummary(io, json, plan, summary);
  if (summary.errors.length) throw restoreErrors(summary.errors);
  // A restore whose rows cannot be counted is not shown as a success: the count is how the user checks it.
  const uncounted = summary.rowCounts.filter((r) => r.rows === null);
  if (summary.countError) {
    throw new PgBackupError(`Restored, but the rows could not be counted: ${summary.countError}`, 'database');
  }
  if (uncounted.length) {
    const names = uncounted.map((r) => r.table).join(', ');
    const why = uncounted[0].error;
    throw new PgBackupError(`Restored, but the rows of ${names} could not be counted: ${why}`, 'database');
  }
  return EXIT.ok;
}

export const restoreCommand = defineCommand({
  name: 'restore',
  args: '<file-or-dir-or-s3-url> <conn>',
  flags: {
    select: { value: 'KIND:SCHEMA.NAME', repeatable: true, help: 'restore this object with what belongs to it' },
    'with-dependents': { help: 'also restore the objects that depend on the selected ones' },
    clean: { help: 'drop and recreate objects that already exist in the target (asks for --yes)' },
    'if-exists': { help: 'with --clean: DROP ... IF EXISTS' },
    create: { help: 'create the database named in the dump and restore into it' },
    'no-owner': { help: 'do not set the owners the dump names' },
    role: { value: 'ROLE', help: 'SET ROLE to this role before restoring' },
    'schema-only': { group: 'content', help: 'definitions only, no data' },
    'data-only': { group: 'content', help: 'data only, no definitions' },
    jobs: { value: 'N', min: 1, help: 'parallel pg_restore jobs' },
    'single-transaction': { help: 'restore in one transaction: all or nothing' },
    'exit-on-error': { help: 'stop at the first error' },
    'dry-run': { help: 'print the plan, the list file and the pg_restore command; restore nothing' },
    yes: { help: 'confirm what --clean drops' },
    json: { help: 'print the plan and the result as JSON' },
    ...S3_FLAGS,
  },
  summary:
    'Restore a custom, tar or directory dump, whole or selected objects with what belongs to them and what the ' +
    'target lacks, via pg_restore; a plain SQL dump whole, via psql.',
  async run(p, io) {
    if (p.positional.length !== 2)
      throw new PgBackupError(
        'Name the backup and the target connection: pg-backup restore <file-or-dir> <conn>.',
        'usage',
      );
    return withBackupArg(p.positional[0], p, io, (file) => restoreFile(file, p, io));
  },
});
