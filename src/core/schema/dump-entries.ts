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
const ENTRY_OPENING = '--\n-- Name: ';
const TRAILER = '--\n-- PostgreSQL database dump complete\n--';
/** The end of an entry's comment header followed by a comment: how an entry without statements starts. */
const COMMENT_FIRST = '\n--\n\n--';

/*
 * The dump is a few megabytes of short lines: it is scanned by offsets (indexOf) rather than split into lines, and
 * blocks are slices of it. A "line" below is a line start offset; lines end at '\n' or at `end`, the text's end
 * without its final newline, and `end + 1` stands for the line after the last.
 */

/** Whether `at` is a line start and the line there reads exactly `s` (which may span lines). */
function lineIs(text: string, at: number, s: string, end: number): boolean {
  const after = at + s.length;
  return (
    (at === 0 || text[at - 1] === '\n') &&
    after <= end &&
    text.startsWith(s, at) &&
    (after === end || text[after] === '\n')
  );
}

/** The lines from `from` up to the line starting at `to`, without trailing blank lines, ending with a newline; '' when blank. */
function block(text: string, from: number, to: number): string {
  let e = to - 1;
  while (e > from && text[e - 1] === '\n') e--;
  if (e <= from) return '';
  // text[e] is the newline after the last line, unless the text ends there without one.
  return e < text.length ? text.slice(from, e + 1) : `${text.slice(from, e)}\n`;
}

/**
 * The entry comment of the block line `at` opens, if it opens one: an entry comment counts only after the blank
 * line pg_dump writes between entries, so a function body that quotes such a comment is not cut in two.
 */
function entryAt(text: string, at: number, end: number): RegExpExecArray | undefined {
  if (at > 0 && (text[at - 1] !== '\n' || (at > 1 && text[at - 2] !== '\n'))) return undefined;
  const nl = text.indexOf('\n', at + 3);
  if (nl < 0 || !lineIs(text, nl + 1, '--', end)) return undefined;
  return ENTRY_COMMENT.exec(text.slice(at + 3, nl)) ?? undefined;
}

/** Where each entry opens (with its parsed comment), where the trailer starts, and the text's end. */
interface EntryOffsets {
  starts: number[];
  comments: RegExpExecArray[];
  trailerAt: number;
  end: number;
}

function entryOffsets(text: string): EntryOffsets {
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  let trailerAt = end + 1;
  for (let t = text.lastIndexOf(TRAILER, end - TRAILER.length); t >= 0; t = t ? text.lastIndexOf(TRAILER, t - 1) : -1) {
    if (lineIs(text, t, TRAILER, end)) {
      trailerAt = t;
      break;
    }
  }
  const starts: number[] = [];
  const comments: RegExpExecArray[] = [];
  for (let at = text.indexOf(ENTRY_OPENING); at >= 0 && at < trailerAt; at = text.indexOf(ENTRY_OPENING, at + 1)) {
    const m = entryAt(text, at, end);
    if (m) {
      starts.push(at);
      comments.push(m);
    }
  }
  return { starts, comments, trailerAt, end };
}

/** Where the first line from `from` (before `to`) that is neither blank nor a `--` comment starts; `to` if none. */
function firstStatement(text: string, from: number, to: number): number {
  let at = from;
  while (at < to && (text[at] === '\n' || text.startsWith('--', at))) {
    const nl = text.indexOf('\n', at);
    at = nl < 0 || nl >= to ? to : nl + 1;
  }
  return at;
}

/** Whether the lines from `from` up to `to` are only session settings (SET …;) and blank lines. */
function onlySettings(text: string, from: number, to: number): boolean {
  for (let at = from; at < to;) {
    const nl = text.indexOf('\n', at);
    const lineEnd = nl < 0 || nl >= to ? to : nl;
    if (lineEnd > at && !SETTING.test(text.slice(at, lineEnd))) return false;
    at = lineEnd + 1;
  }
  return true;
}

/**
 * Removes the entries pg_dump writes as comments only, with no statement: the `public` schema's
 * "-- *not* creating schema, since initdb creates it" when its owner is left out, say. A database created from
 * the export never has them (its `public` comes from initdb), so keeping them would report drift that is not
 * there; they change nothing. Session settings pg_dump wrote after such a comment belong to the next entry and
 * stay. Returns `text` itself when there is nothing to remove.
 */
export function withoutCommentOnlyEntries(text: string): string {
  // Such an entry's body starts with a comment right after its header: rare, so look for that first.
  if (!text.includes(COMMENT_FIRST)) return text;
  const { starts, comments, trailerAt } = entryOffsets(text);
  const kept: string[] = [];
  let copied = 0;
  for (let k = 0; k < starts.length; k++) {
    const next = k + 1 < starts.length ? starts[k + 1] : Math.min(trailerAt, text.length);
    const statement = firstStatement(text, starts[k] + comments[k][0].length + 7, next);
    if (statement < next && !text.startsWith('SET ', statement)) continue;
    if (!onlySettings(text, statement, next)) continue;
    kept.push(text.slice(copied, starts[k]));
    copied = statement;
  }
  return copied ? kept.join('') + text.slice(copied) : text;
}

export function parseDump(text: string): ParsedDump {
  const { starts, comments, trailerAt, end } = entryOffsets(text);
  const items: ParsedDump['items'] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const m = comments[k];
    // Where the comment header ("--", the comment, "--") ends.
    const body = from + m[0].length + 7;
    // The block's last line that is not blank: where its text ends.
    let to = k + 1 < starts.length ? starts[k + 1] - 1 : trailerAt - 1;
    while (to > from && text[to - 1] === '\n') to--;
    // Session settings pg_dump emitted for the next entry sit at the end of this block (never in its comment header).
    let settingsFrom = to + 1;
    while (settingsFrom > body) {
      const lineStart = text.lastIndexOf('\n', settingsFrom - 2) + 1;
      if (lineStart !== settingsFrom - 1 && !SETTING.test(text.slice(lineStart, settingsFrom - 1))) break;
      settingsFrom = lineStart;
    }
    while (settingsFrom <= to && text[settingsFrom] === '\n') settingsFrom++;
    items.push({
      kind: 'entry',
      name: m[1],
      type: m[2],
      schema: m[3],
      owner: m[4],
      text: block(text, from, settingsFrom),
    });
    if (settingsFrom <= to) items.push({ kind: 'settings', text: block(text, settingsFrom, to + 1) });
  }
  return {
    header: block(text, 0, starts.length ? starts[0] : trailerAt),
    items,
    trailer: block(text, trailerAt, end + 1),
  };
}
