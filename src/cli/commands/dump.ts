import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { resolveParams } from '../../core/connection/resolve';
import {
  applyPreset,
  defaultBackupPath,
  dumpDatabase,
  findPreset,
  parseCompressionSpec,
  DUMP_FORMATS,
  type DumpFormat,
  type DumpOptions,
  type DumpProgress,
} from '../../core/dump';
import { sidecarPath } from '../../core/dump/naming';
import { PgBackupError } from '../../core/errors';
import { formatBytes, formatDuration } from '../../core/format';
import { defineCommand, EXIT } from '../command';
import { flag, flags, has, numberFlag, type FlagSpecs, type ParsedArgs } from '../flags';
import { resolveConnArg } from '../resolve-conn';

/** The flags `pg-backup dump` takes (`pg-backup schedule` takes them too). */
export const DUMP_FLAGS = {
  format: { value: DUMP_FORMATS.join('|'), required: true, help: 'the archive format (or the one of --preset)' },
  jobs: { value: 'N', min: 1, help: 'parallel pg_dump jobs (directory format)' },
  compress: { value: 'SPEC', help: 'pg_dump compression: a level, or METHOD[:LEVEL] (gzip, lz4, zstd)' },
  schema: { value: 'S', repeatable: true, help: 'dump only this schema (a pattern)' },
  'exclude-schema': { value: 'S', repeatable: true, help: 'leave this schema out' },
  table: { value: 'T', repeatable: true, help: 'dump only this table (a pattern)' },
  'exclude-table': { value: 'T', repeatable: true, help: 'leave this table out' },
  'exclude-table-data': { value: 'T', repeatable: true, help: "dump this table's definition without its rows" },
  'schema-only': { group: 'content', help: 'definitions only, no data' },
  'data-only': { group: 'content', help: 'data only, no definitions' },
  'no-owner': { help: 'no ALTER ... OWNER TO statements' },
  'no-privileges': { help: 'no GRANT and REVOKE statements' },
  preset: { value: 'NAME', help: 'start from a saved dump preset; the flags given add to it or override it' },
  out: { value: 'PATH', help: 'the backup file or folder to write, or an existing folder to put it in' },
  json: { help: 'print the result and its sidecar as JSON' },
} satisfies FlagSpecs;

type OptionOf = Partial<Record<keyof typeof DUMP_FLAGS, keyof DumpOptions>>;
const LISTS = {
  schema: 'schemas',
  'exclude-schema': 'excludeSchemas',
  table: 'tables',
  'exclude-table': 'excludeTables',
  'exclude-table-data': 'excludeTableData',
} as const satisfies OptionOf;
const SWITCHES = {
  'schema-only': 'schemaOnly',
  'data-only': 'dataOnly',
  'no-owner': 'noOwner',
  'no-privileges': 'noPrivileges',
} as const satisfies OptionOf;

function parseFormat(text: string): DumpFormat {
  if (!DUMP_FORMATS.includes(text as DumpFormat))
    throw new PgBackupError(`Unknown format "${text}".`, 'usage', { hint: `Use one of ${DUMP_FORMATS.join(', ')}.` });
  return text as DumpFormat;
}

/** A preset gives the starting point; flags given on the command line add to it or override it. */
export function optionsFromArgs(p: ParsedArgs): DumpOptions {
  const preset = flag(p, 'preset');
  const format = flag(p, 'format');
  if (!preset && !format)
    throw new PgBackupError(
      'Say which format to write: --format plain|custom|directory|tar, or choose a --preset.',
      'usage',
    );
  const o: DumpOptions = preset
    ? applyPreset(findPreset(preset), { chosenTables: flags(p, 'exclude-table-data') })
    : { format: parseFormat(format!) };
  if (format) o.format = parseFormat(format);
  const jobs = numberFlag(p, 'jobs');
  if (jobs !== undefined) o.jobs = jobs;
  const compress = flag(p, 'compress');
  if (compress) o.compression = parseCompressionSpec(compress);
  for (const [name, key] of Object.entries(LISTS)) {
    const given = flags(p, name);
    if (given.length) o[key] = [...new Set([...(o[key] ?? []), ...given])];
  }
  for (const [name, key] of Object.entries(SWITCHES)) if (has(p, name)) o[key] = true;
  return o;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * `--out` may name the backup itself or an existing folder to put a default-named backup in, but never an
 * earlier directory-format backup (its toc.dat or its sidecar tells): nothing is ever written into one.
 */
async function outputPath(out: string | undefined, database: string, o: DumpOptions): Promise<string> {
  const isFolder =
    out !== undefined &&
    (await stat(out).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  if (out !== undefined && !isFolder) return resolve(out);
  const folder = resolve(out ?? '.');
  if (isFolder && ((await exists(join(folder, 'toc.dat'))) || (await exists(sidecarPath(folder))))) {
    throw new PgBackupError(
      `${folder} is an existing directory-format backup: a dump never writes into one.`,
      'usage',
      { hint: 'Give a new name, or the folder that holds the backups.' },
    );
  }
  return defaultBackupPath(folder, database, o.format, new Date(), o.compression);
}

function progressLine(database: string, p: DumpProgress): string {
  const what =
    p.phase === 'catalog'
      ? 'reading the catalog'
      : p.phase === 'data'
        ? `${p.table ?? 'data'} (${p.tablesDone}/${p.tablesTotal} tables)`
        : p.phase === 'finishing'
          ? 'checksumming'
          : 'done';
  return `Dumping ${database}: ${String(p.percent).padStart(3)}% ${what}, ${formatBytes(p.bytesWritten)} written`;
}

export const dumpCommand = defineCommand({
  name: 'dump',
  args: '<conn>',
  flags: DUMP_FLAGS,
  summary: 'Dump a database with pg_dump: progress in percent, written under a temporary name, with a sha256 sidecar.',
  async run(p, io) {
    if (p.positional.length > 1) throw new PgBackupError(`Unexpected argument "${p.positional[1]}".`, 'usage');
    const options = optionsFromArgs(p);
    const { params, password } = resolveConnArg(p.positional[0], io.env);
    const database = resolveParams(params, io.env).database;
    const out = await outputPath(flag(p, 'out'), database, options);
    const onProgress = (pr: DumpProgress) => io.progress(progressLine(database, pr));
    const { signal, cleanup: onCleanup } = io;
    const result = await dumpDatabase({ params, password, options, out, signal, onCleanup, onProgress });
    const s = result.sidecar;
    if (has(p, 'json')) io.out(JSON.stringify({ path: result.path, sidecarPath: result.sidecarPath, ...s }, null, 2));
    else
      io.out(
        `Wrote ${result.path} (${s.format}, ${formatBytes(s.bytes)}) in ${formatDuration(s.durationMs)}; facts and sha256 in ${result.sidecarPath}`,
      );
    return EXIT.ok;
  },
});
