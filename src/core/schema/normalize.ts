/**
 * Turns `pg_dump --schema-only` output into text that is byte-identical across runs for an unchanged database:
 * pg_dump 15.14+/16.10+/17.6+ (the 2025 security releases) write a random `\restrict <key>` / `\unrestrict <key>`
 * pair into every plain dump, and every dump names the server and pg_dump versions in its header. Entries pg_dump
 * writes as comments only (see withoutCommentOnlyEntries) go too: they depend on how the database was born, not on
 * its schema; and one expression form PostgreSQL deparses in two ways is written in the form it loads back as (see
 * canonicalArrayCasts). Nothing else is touched: everything left carries meaning.
 */
import { canonicalArrayCasts } from './array-casts';
import { withoutCommentOnlyEntries } from './dump-entries';

export interface SchemaContentOptions {
  /** Keep `OWNER TO` statements. Default false: owners differ between environments. */
  includeOwners?: boolean;
  /** Keep GRANT/REVOKE statements. Default false: privileges differ between environments. */
  includePrivileges?: boolean;
  /** Only these schemas (pg_dump --schema); all when empty. */
  schemas?: readonly string[];
}

/** The first line of every exported file: what was stripped and why, and the options that shaped the content. */
export function provenanceComment(opts: SchemaContentOptions): string {
  const left = [!opts.includeOwners && 'owners', !opts.includePrivileges && 'privileges'].filter(Boolean);
  const parts = [left.length ? `${left.join(' and ')} left out` : 'owners and privileges kept'];
  if (opts.schemas?.length) parts.push(`schemas: ${opts.schemas.join(', ')}`);
  return (
    `-- pg_dump --schema-only output (${parts.join('; ')}), normalized by pg-backup: the random per-run ` +
    `\\restrict/\\unrestrict keys and the "Dumped from/by version" lines are removed so that an unchanged database ` +
    `exports byte-identically.`
  );
}

const RESTRICT = /^\\restrict [A-Za-z0-9]+$/;
const UNRESTRICT = /^\\unrestrict [A-Za-z0-9]+$/;
const VERSION_LINE = /^-- Dumped (?:from database|by pg_dump) version /;
const FIRST_ENTRY = ['-- Name: ', '-- Data for Name: '];

/** Removes line `i` and, when one follows, the blank line after it. Returns how many lines were removed. */
function removeLine(lines: string[], i: number): number {
  return lines.splice(i, lines[i + 1] === '' ? 2 : 1).length;
}

/** Offset of the first line (before `stop`) that opens an object, or -1. The header is a few lines: walk them. */
function firstEntry(raw: string, stop: number): number {
  for (let at = 0; at < stop; at = raw.indexOf('\n', at) + 1 || stop) {
    if (FIRST_ENTRY.some((s) => raw.startsWith(s, at))) return at;
  }
  return -1;
}

/**
 * Normalizes a plain schema dump. Only the header (before the first object) is searched for `\restrict` and the
 * version lines, and only the last line for `\unrestrict`, so a function body that happens to contain such a line
 * is never altered. Carriage returns are kept: inside a function body written on Windows they are part of it.
 * The body is a few megabytes and stays one slice of `raw`; only the header is split into lines.
 */
export function normalizeDump(raw: string, opts: SchemaContentOptions): string {
  let stop = raw.length;
  while (stop > 0 && raw[stop - 1] === '\n') stop--;
  const lastLine = raw.lastIndexOf('\n', stop - 1) + 1;
  if (stop > 0 && UNRESTRICT.test(raw.slice(lastLine, stop))) stop = Math.max(lastLine - 1, 0);
  const bodyAt = firstEntry(raw, stop);
  const lines = bodyAt < 0 ? raw.slice(0, stop).split('\n') : bodyAt ? raw.slice(0, bodyAt - 1).split('\n') : [];
  for (let i = 0; i < lines.length;) {
    // The two version lines share one trailing blank line: remove it with the second.
    if (RESTRICT.test(lines[i]) || (VERSION_LINE.test(lines[i]) && !VERSION_LINE.test(lines[i + 1] ?? '')))
      removeLine(lines, i);
    else if (VERSION_LINE.test(lines[i])) lines.splice(i, 1);
    else i++;
  }
  let text: string;
  if (bodyAt < 0) text = lines.join('\n').replace(/\n+$/, '');
  else {
    while (stop > bodyAt && raw[stop - 1] === '\n') stop--;
    const body = raw.slice(bodyAt, stop);
    text = canonicalArrayCasts(withoutCommentOnlyEntries(lines.length ? `${lines.join('\n')}\n${body}` : body));
  }
  return `${provenanceComment(opts)}\n${text}\n`;
}
