import { PgBackupError } from '../errors';

export type DumpFormat = 'plain' | 'custom' | 'directory' | 'tar';
export const DUMP_FORMATS: readonly DumpFormat[] = ['plain', 'custom', 'directory', 'tar'];

export type CompressionMethod = 'gzip' | 'lz4' | 'zstd' | 'none';
export const COMPRESSION_METHODS: readonly CompressionMethod[] = ['gzip', 'lz4', 'zstd', 'none'];

export interface Compression {
  method: CompressionMethod;
  /** Omitted: the method's default level. */
  level?: number;
}

/** What the user asks pg_dump for. Turned into an argv by dumpArgv; checked by validateDumpOptions. */
export interface DumpOptions {
  format: DumpFormat;
  /** Omitted: pg_dump's default (gzip for custom and directory, none for plain and tar). */
  compression?: Compression;
  /** Parallel workers; directory format only. */
  jobs?: number;
  schemas?: string[];
  excludeSchemas?: string[];
  tables?: string[];
  excludeTables?: string[];
  excludeTableData?: string[];
  schemaOnly?: boolean;
  dataOnly?: boolean;
  noOwner?: boolean;
  noPrivileges?: boolean;
}

/** Level ranges pg_dump accepts per method (pg_dump 16 compress_io / compression.c). */
const LEVELS: Record<Exclude<CompressionMethod, 'none'>, [number, number]> = {
  gzip: [1, 9],
  lz4: [1, 12],
  zstd: [1, 22],
};

/** The first pg_dump major that knows a compression method. */
export const METHOD_SINCE: Record<CompressionMethod, number> = { gzip: 0, none: 0, lz4: 16, zstd: 16 };

/** Compression methods the given pg_dump major offers (for pickers). */
export function compressionMethodsFor(pgDumpMajor: number): CompressionMethod[] {
  return COMPRESSION_METHODS.filter((m) => pgDumpMajor >= METHOD_SINCE[m]);
}

export function compressionLevelRange(method: CompressionMethod): [number, number] | undefined {
  return method === 'none' ? undefined : LEVELS[method];
}

/** Parses `gzip`, `gzip:6`, `zstd:level=3`, `none` or a bare level `0`-`9` (gzip, as pg_dump -Z does). */
export function parseCompressionSpec(spec: string): Compression {
  const s = spec.trim().toLowerCase();
  if (/^\d+$/.test(s)) {
    const level = Number(s);
    return level === 0 ? { method: 'none' } : { method: 'gzip', level };
  }
  const m = /^(gzip|lz4|zstd|none)(?::(?:level=)?(-?\d+))?$/.exec(s);
  if (!m) {
    throw new PgBackupError(`Invalid compression "${spec}".`, 'usage', {
      hint: 'Use METHOD[:LEVEL] with METHOD gzip, lz4, zstd or none, or a gzip level 0-9.',
    });
  }
  return m[2] === undefined
    ? { method: m[1] as CompressionMethod }
    : { method: m[1] as CompressionMethod, level: Number(m[2]) };
}

export function formatCompression(c: Compression): string {
  return c.level === undefined || c.method === 'none' ? c.method : `${c.method}:${c.level}`;
}

const usage = (message: string, hint?: string) => new PgBackupError(message, 'usage', { hint });

/**
 * Refuses what pg_dump of the given major would refuse, with pg_dump's own reason where it has one, so the
 * user learns it before a connection is made and a half-written file appears.
 */
export function validateDumpOptions(o: DumpOptions, pgDumpMajor: number): void {
  if (!DUMP_FORMATS.includes(o.format))
    throw usage(`Unknown dump format "${o.format}".`, `Use one of ${DUMP_FORMATS.join(', ')}.`);
  if (o.jobs !== undefined) {
    if (!Number.isInteger(o.jobs) || o.jobs < 1)
      throw usage(`Invalid number of parallel jobs "${o.jobs}": it must be a whole number of at least 1.`);
    if (o.jobs > 1 && o.format !== 'directory') {
      throw usage(
        'parallel backup only supported by the directory format',
        'Choose the directory format to dump with several jobs, or use one job.',
      );
    }
  }
  if (o.schemaOnly && o.dataOnly) throw usage('options -s/--schema-only and -a/--data-only cannot be used together');
  const c = o.compression;
  if (c) {
    if (!COMPRESSION_METHODS.includes(c.method)) throw usage(`Unknown compression method "${c.method}".`);
    if (pgDumpMajor < METHOD_SINCE[c.method]) {
      throw usage(
        `pg_dump ${pgDumpMajor} cannot compress with ${c.method}: ${c.method} needs pg_dump ${METHOD_SINCE[c.method]} or newer.`,
        `Use ${compressionMethodsFor(pgDumpMajor).join(' or ')}.`,
      );
    }
    const range = compressionLevelRange(c.method);
    if (c.level !== undefined) {
      if (!range) throw usage('compression method "none" takes no level');
      if (!Number.isInteger(c.level) || c.level < range[0] || c.level > range[1]) {
        throw usage(`Compression level ${c.level} is out of range for ${c.method}: use ${range[0]} to ${range[1]}.`);
      }
    }
    if (o.format === 'tar' && c.method !== 'none') throw usage('compression is not supported by tar archive format');
  }
  for (const [name, list] of Object.entries({
    schemas: o.schemas,
    excludeSchemas: o.excludeSchemas,
    tables: o.tables,
    excludeTables: o.excludeTables,
    excludeTableData: o.excludeTableData,
  })) {
    if (list?.some((p) => p.trim() === '')) throw usage(`An empty pattern in ${name} would match nothing; remove it.`);
  }
}
