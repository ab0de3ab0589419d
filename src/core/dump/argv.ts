import type { Compression, DumpOptions } from './options';
import { validateDumpOptions } from './options';

/** zlib's default level, which pg_dump uses for custom and directory dumps when no level is given. */
const GZIP_DEFAULT_LEVEL = 6;

/**
 * pg_dump 16 takes `--compress=METHOD[:LEVEL]`; older majors only know a gzip level (`-Z 0` means none).
 */
export function compressionArgs(c: Compression | undefined, pgDumpMajor: number): string[] {
  if (!c) return [];
  if (pgDumpMajor >= 16) return [`--compress=${c.level === undefined ? c.method : `${c.method}:${c.level}`}`];
  return ['-Z', String(c.method === 'none' ? 0 : (c.level ?? GZIP_DEFAULT_LEVEL))];
}

export interface DumpArgvInput {
  options: DumpOptions;
  /** Password-free conninfo (toConninfo). */
  conninfo: string;
  /** Where pg_dump writes: a file, or a folder it creates for the directory format. */
  file: string;
  pgDumpMajor: number;
}

/**
 * The pg_dump argv for a dump. `-v` is always on: its "dumping contents of table" lines drive the progress
 * estimate. The connection goes in `--dbname=` as conninfo, never with a password.
 */
export function dumpArgv({ options: o, conninfo, file, pgDumpMajor }: DumpArgvInput): string[] {
  validateDumpOptions(o, pgDumpMajor);
  const args = [`--dbname=${conninfo}`, `--format=${o.format}`, `--file=${file}`, '-v'];
  if (o.jobs !== undefined && o.jobs > 1) args.push(`--jobs=${o.jobs}`);
  args.push(...compressionArgs(o.compression, pgDumpMajor));
  const repeat = (flag: string, values: string[] | undefined) =>
    (values ?? []).forEach((v) => args.push(`${flag}=${v}`));
  repeat('--schema', o.schemas);
  repeat('--exclude-schema', o.excludeSchemas);
  repeat('--table', o.tables);
  repeat('--exclude-table', o.excludeTables);
  repeat('--exclude-table-data', o.excludeTableData);
  if (o.schemaOnly) args.push('--schema-only');
  if (o.dataOnly) args.push('--data-only');
  if (o.noOwner) args.push('--no-owner');
  if (o.noPrivileges) args.push('--no-privileges');
  return args;
}
