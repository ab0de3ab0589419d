/** Builders for pg_dump plain output, as pg_dump 15.18 writes it, for the schema unit tests. */

/** One TOC entry block: comment header, statement, and the two blank lines pg_dump writes after it. */
export function entry(name: string, type: string, schema: string, sql: string, owner = '-'): string {
  return `--\n-- Name: ${name}; Type: ${type}; Schema: ${schema}; Owner: ${owner}\n--\n\n${sql}\n\n\n`;
}

/** A whole dump around `body` (entries), with the per-run \restrict key and version lines. */
export function rawDump(
  body: string,
  key = 'l4FbYQz6vmpJuKJkdEHg4ozohvhtQMPK0BPJjVGtcxg1G7WaL0vMvM7UE9zNeyt',
  version = '15.18 (Debian 15.18-0+deb12u1)',
): string {
  return [
    '--',
    '-- PostgreSQL database dump',
    '--',
    '',
    `\\restrict ${key}`,
    '',
    `-- Dumped from database version ${version}`,
    `-- Dumped by pg_dump version ${version}`,
    '',
    'SET statement_timeout = 0;',
    "SELECT pg_catalog.set_config('search_path', '', false);",
    '',
    body + '--',
    '-- PostgreSQL database dump complete',
    '--',
    '',
    `\\unrestrict ${key}`,
    '',
  ].join('\n');
}
