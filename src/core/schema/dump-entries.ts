/**
 * Reads a plain pg_dump script as pg_dump wrote it: a header (SET statements), then one block per TOC entry,
 * each opened by a comment
 *
 *     --
 *     -- Name: users; Type: TABLE; Schema: public; Owner: -
 *     --
 *
 * and a trailer. pg_dump also writes session settings between entries when they change (`SET default_tablespace`,
 * `SET default_table_access_method`); those are kept apart as `settings` items so the split layout can run them
 * from its index file, in the same place.
 */

export interface DumpEntry {
  kind: 'entry';
  /** The TOC tag: `users`, `add(integer, integer)`, `users users_pkey`, `TABLE users`. */
  name: string;
  /** The TOC description: `TABLE`, `FK CONSTRAINT`, `COMMENT`, `ACL`, … */
  type: string;
  /** `-` for objects outside any schema. */
  schema: string;
  owner: string;
  /** The block, comment header included, without trailing blank lines; ends with a newline. */
  text: string;
}

export interface DumpSettings {
  kind: 'settings';
  text: string;
}

export interface ParsedDump {
  /** Everything before the first entry (provenance comment, SET statements); ends with a newline. */
  header: string;
  items: (DumpEntry | DumpSettings)[];
  /** The "dump complete" comment, or '' when the dump has none. */
  trailer: string;
}

const ENTRY_COMMENT = /^-- Name: (.*?); Type: ([A-Z][A-Z ]*); Schema: (.*?); Owner: (.*?)(?:; Tablespace: .*)?$/;
const SETTING = /^SET [a-z_]+ = .*;$/;
const TRAILER = '-- PostgreSQL database dump complete';

/**
 * An entry comment starts a block only after the blank lines pg_dump writes between entries, so a function body
 * that quotes such a comment is not cut in two.
 */
function isEntryStart(lines: readonly string[], i: number): boolean {
  return lines[i] === '--' && lines[i + 2] === '--' && ENTRY_COMMENT.test(lines[i + 1] ?? '') && (i === 0 || lines[i - 1] === '');
}

function joinLines(lines: readonly string[]): string {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  return end ? lines.slice(0, end).join('\n') + '\n' : '';
}

export function parseDump(text: string): ParsedDump {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let trailerAt = lines.length;
  for (let i = lines.length - 3; i >= 0; i--) {
    if (lines[i] === '--' && lines[i + 1] === TRAILER && lines[i + 2] === '--') {
      trailerAt = i;
      break;
    }
  }
  const starts: number[] = [];
  for (let i = 0; i < trailerAt; i++) if (isEntryStart(lines, i)) starts.push(i);
  const items: ParsedDump['items'] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    let to = k + 1 < starts.length ? starts[k + 1] : trailerAt;
    while (to > from && lines[to - 1] === '') to--;
    // Session settings pg_dump emitted for the next entry sit at the end of this block.
    let settingsFrom = to;
    while (settingsFrom > from + 3 && (SETTING.test(lines[settingsFrom - 1]) || lines[settingsFrom - 1] === '')) settingsFrom--;
    while (settingsFrom < to && lines[settingsFrom] === '') settingsFrom++;
    const m = ENTRY_COMMENT.exec(lines[from + 1])!;
    items.push({ kind: 'entry', name: m[1], type: m[2], schema: m[3], owner: m[4], text: joinLines(lines.slice(from, settingsFrom)) });
    if (settingsFrom < to) items.push({ kind: 'settings', text: joinLines(lines.slice(settingsFrom, to)) });
  }
  return {
    header: joinLines(lines.slice(0, starts[0] ?? trailerAt)),
    items,
    trailer: joinLines(lines.slice(trailerAt)),
  };
}
