/**
 * Schema in git: export `pg_dump --schema-only` into a file or a folder of files, and check a committed export
 * against the live database. The VS Code commands and the `pg-backup schema` CLI are thin layers over this.
 */
import { basename } from 'node:path';
import { dumpSchema, type RawSchemaDump, type SchemaSource } from './dump-schema';
import {
  compareFiles,
  extraFoldersOf,
  layoutRoot,
  readLayoutFiles,
  writeLayoutFiles,
  type FileChange,
  type SchemaLayout,
} from './layout-files';
import { normalizeDump, type SchemaContentOptions } from './normalize';
import { splitDump } from './split-layout';
import { unifiedDiff } from './unified-diff';

export interface SchemaExportOptions extends SchemaSource, SchemaContentOptions {
  layout: SchemaLayout;
}

/**
 * The files an export writes, from pg_dump's raw output: relative path (with `/`, from the layout root: the
 * file's folder or the split folder) → content. Pure: the extension uses it to compare without writing.
 */
export function renderSchemaFiles(
  rawDump: string,
  options: SchemaContentOptions & { layout: SchemaLayout },
): Map<string, string> {
  const text = normalizeDump(rawDump, options);
  if (options.layout.kind === 'file') return new Map([[basename(options.layout.path), text]]);
  const files = new Map<string, string>();
  for (const f of splitDump(text)) files.set(f.path, f.content);
  return files;
}

export interface SchemaExportResult {
  /** Every file of the export and the layout's stale files, with what happened to each. */
  files: FileChange[];
  /** Whether anything was added, changed or removed. */
  changed: boolean;
  /** The folder `files` paths are relative to. */
  root: string;
  pgDumpPath: string;
  serverVersion?: string;
}

/**
 * Dumps the schema and renders it, reading the committed files while pg_dump runs (in a split folder of
 * thousands of files that reading would otherwise double the time). The reading starts with pg_dump, not before:
 * its synchronous batches would hold up the connection and tool lookup pg_dump waits for.
 */
async function dumpAndRead(
  opts: SchemaExportOptions,
): Promise<{ dump: RawSchemaDump; live: Map<string, string>; committed: Map<string, string> }> {
  let startReading!: () => void;
  const reading = new Promise<void>((resolve) => (startReading = resolve)).then(() => readLayoutFiles(opts.layout));
  const [dump, known] = await Promise.all([dumpSchema(opts, opts, startReading), reading]);
  const live = renderSchemaFiles(dump.text, opts);
  // Rare: an entry type without a known folder; read again so its folder's files count as ours.
  const committed = extraFoldersOf(live).size ? await readLayoutFiles(opts.layout, live) : known;
  return { dump, live, committed };
}

export async function exportSchema(opts: SchemaExportOptions): Promise<SchemaExportResult> {
  const { dump, live, committed } = await dumpAndRead(opts);
  const files = await writeLayoutFiles(opts.layout, live, committed);
  return {
    files,
    changed: files.some((f) => f.status !== 'unchanged'),
    root: layoutRoot(opts.layout),
    pgDumpPath: dump.pgDumpPath,
    serverVersion: dump.serverVersion,
  };
}

export interface FileDrift extends FileChange {
  /** Unified diff from the committed file to the live schema ('' when unchanged). */
  diff: string;
}

export interface SchemaCheckResult {
  drifted: boolean;
  /** All files' diffs concatenated: committed (a/) → live database (b/). */
  diff: string;
  /** Files that differ (added: only in the database; removed: only committed). */
  files: FileDrift[];
  pgDumpPath?: string;
  serverVersion?: string;
}

/**
 * Compares two exports. `displayRoot` prefixes the paths in the diff headers (e.g. "db/schema" as the user typed
 * it), so the output reads like `git diff`.
 */
export function diffSchemaFiles(
  committed: ReadonlyMap<string, string>,
  live: ReadonlyMap<string, string>,
  displayRoot = '',
): SchemaCheckResult {
  const shown = (rel: string) => (displayRoot ? `${displayRoot.replace(/\\/g, '/').replace(/\/+$/, '')}/${rel}` : rel);
  const files = compareFiles(committed, live)
    .filter((c) => c.status !== 'unchanged')
    .map((c) => ({
      ...c,
      diff: unifiedDiff(committed.get(c.path) ?? '', live.get(c.path) ?? '', {
        from: c.status === 'added' ? '/dev/null' : `a/${shown(c.path)}`,
        to: c.status === 'removed' ? '/dev/null' : `b/${shown(c.path)}`,
      }),
    }));
  return { drifted: files.length > 0, diff: files.map((f) => f.diff).join(''), files };
}

/** Dumps the live schema and compares it with the committed export, writing nothing. */
export async function checkSchema(opts: SchemaExportOptions): Promise<SchemaCheckResult> {
  const { dump, live, committed } = await dumpAndRead(opts);
  const displayRoot = opts.layout.kind === 'file' ? layoutRoot(opts.layout) : opts.layout.dir;
  return {
    ...diffSchemaFiles(committed, live, displayRoot === '.' ? '' : displayRoot),
    pgDumpPath: dump.pgDumpPath,
    serverVersion: dump.serverVersion,
  };
}
