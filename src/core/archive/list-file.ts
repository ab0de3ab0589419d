import type { ArchiveInfo, TocEntry } from './types';
import { versionText } from './types';

/** pg_backup_archiver.c sanitize_line: newlines become spaces; NULL becomes "-" or "". */
function sanitize(s: string | null, hyphen: boolean): string {
  if (s === null) return hyphen ? '-' : '';
  return s.replace(/[\r\n]/g, ' ');
}

/** One `pg_restore -l` line: `dumpId; tableoid oid DESC schema name owner` (PrintTOCSummary). */
export function listLine(e: TocEntry): string {
  return `${e.dumpId}; ${e.tableOid} ${e.oid} ${e.desc} ${sanitize(e.namespace, true)} ${sanitize(e.tag, false)} ${sanitize(e.owner, false)}`;
}

const LARGE_OBJECT_ITEM = new Set(['ACL', 'COMMENT', 'SECURITY LABEL']);

/**
 * Whether pg_restore would restore (and `pg_restore -l` list) the entry with default options: the rules of
 * _tocEntryRequired without selection flags. ENCODING/STDSTRINGS/SEARCHPATH are applied implicitly, DATABASE
 * entries only with --create, and entries with neither a definition nor data have nothing to restore.
 */
export function isRestorable(e: TocEntry, opts: { createDb?: boolean } = {}): boolean {
  if (e.desc === 'ENCODING' || e.desc === 'STDSTRINGS' || e.desc === 'SEARCHPATH') return false;
  if (e.desc === 'DATABASE' || e.desc === 'DATABASE PROPERTIES') return !!opts.createDb;
  if (LARGE_OBJECT_ITEM.has(e.desc) && e.tag.startsWith('DATABASE ') && !opts.createDb) return false;
  let schema = true;
  let data = true;
  if (!e.hadDumper) {
    const dataOnly =
      e.desc === 'SEQUENCE SET' ||
      e.desc === 'BLOB' ||
      e.desc === 'BLOB METADATA' ||
      (LARGE_OBJECT_ITEM.has(e.desc) && e.tag.startsWith('LARGE OBJECT'));
    if (dataOnly) schema = false;
    else data = false;
  }
  if (!e.defn || e.defn.startsWith('-- load via partition root ')) schema = false;
  if (e.desc === '<Init>' && e.tag === 'Max OID') return false;
  return schema || data;
}

/** The `;` comment header pg_restore -l starts with, from what the reader found. */
export function listHeader(info: ArchiveInfo): string[] {
  const c = info.compression;
  return [
    ';',
    `; Archive created at ${info.created.local}`,
    `;     dbname: ${sanitize(info.database, false)}`,
    `;     TOC Entries: ${info.toc.count}`,
    `;     Compression: ${c.method}${c.level !== null && c.level !== 0 ? ` (level ${c.level})` : ''}`,
    `;     Dump Version: ${versionText(info.version)}-${info.version.rev}`,
    `;     Format: ${info.format.toUpperCase()}`,
    `;     Integer: ${info.intSize} bytes`,
    `;     Offset: ${info.offSize} bytes`,
    ...(info.serverVersion ? [`;     Dumped from database version: ${info.serverVersion}`] : []),
    ...(info.pgDumpVersion ? [`;     Dumped by pg_dump version: ${info.pgDumpVersion}`] : []),
    ';',
    ';',
    '; Selected TOC Entries:',
    ';',
  ];
}

/**
 * A list file for `pg_restore -L`: one line per entry in the given order (pg_restore reads only the dump id
 * before the `;`), optionally preceded by the header comments and with a comment line after chosen entries.
 */
export function renderListFile(
  entries: readonly TocEntry[],
  opts: { info?: ArchiveInfo; note?: (e: TocEntry) => string | undefined } = {},
): string {
  const lines = opts.info ? listHeader(opts.info) : [];
  for (const e of entries) {
    lines.push(listLine(e));
    const note = opts.note?.(e);
    if (note) lines.push(`;\t${sanitize(note, false)}`);
  }
  return lines.join('\n') + '\n';
}
