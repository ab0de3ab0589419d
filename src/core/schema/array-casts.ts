/**
 * One expression PostgreSQL deparses differently depending on how it was written: `status IN ('a', 'b')` on a
 * varchar column is stored as `status::text = ANY ((ARRAY['a'::varchar, 'b'::varchar])::text[])`, and that text,
 * loaded again (from an exported schema), is parsed with the cast pushed into each element and deparsed as
 * `ANY (ARRAY[('a'::varchar)::text, ('b'::varchar)::text])`. Both mean the same; the second form is the one a
 * database created from the export has, and it loads back as itself. So the export writes the second form, and a
 * database recreated from it (Django and Rails apps write such CHECK constraints) checks clean.
 *
 * Only an ARRAY of quoted literals, each with a plain type cast, cast as a whole to a plain array type, is
 * rewritten; never inside a string, a quoted identifier, a dollar-quoted function body or a comment.
 */

const TYPE = String.raw`(?:[a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_ ]*(?:\([0-9, ]+\))?`;
const LITERAL = String.raw`'(?:[^']|'')*'::${TYPE}`;
const CAST_ARRAY = new RegExp(String.raw`\(ARRAY\[(${LITERAL}(?:, ${LITERAL})*)\]\)::(${TYPE})\[\]`, 'g');
const ELEMENT = new RegExp(LITERAL, 'g');
/** What may open a string, an identifier, a body or a comment. */
const OPENERS = ["'", '"', '$', '--'];
const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;

/**
 * The next offset from `from` where one of OPENERS stands, or -1. indexOf per opener, each remembered until
 * passed: a dump has hundreds of thousands of quotes, and a regex search per quote costs ten times as much.
 */
function openerFinder(text: string): (from: number) => number {
  const next = OPENERS.map(() => -2);
  return (from) => {
    let best = -1;
    for (let i = 0; i < OPENERS.length; i++) {
      if (next[i] !== -1 && next[i] < from) next[i] = text.indexOf(OPENERS[i], from);
      if (next[i] >= 0 && (best < 0 || next[i] < best)) best = next[i];
    }
    return best;
  };
}

/** Where the quoted thing or comment opened at `at` ends (the offset after it), or `at + 1` if nothing opens there. */
function skipQuoted(text: string, at: number): number {
  const c = text[at];
  if (c === '-') {
    const nl = text.indexOf('\n', at);
    return nl < 0 ? text.length : nl + 1;
  }
  if (c === '$') {
    DOLLAR_TAG.lastIndex = at;
    const tag = DOLLAR_TAG.exec(text);
    // `$1` (a parameter) and `a$b` (an identifier) open nothing.
    if (!tag || (at > 0 && /[A-Za-z0-9_]/.test(text[at - 1]))) return at + 1;
    const close = text.indexOf(tag[0], at + tag[0].length);
    return close < 0 ? text.length : close + tag[0].length;
  }
  // '…' and "…": a doubled quote stays inside.
  for (let i = at + 1; ; i += 2) {
    i = text.indexOf(c, i);
    if (i < 0) return text.length;
    if (text[i + 1] !== c) return i + 1;
  }
}

/** Rewrites `(ARRAY['a'::T, …])::U[]` as `ARRAY[('a'::T)::U, …]` outside quotes (see above). */
export function canonicalArrayCasts(text: string): string {
  if (!text.includes('(ARRAY[')) return text;
  const out: string[] = [];
  let copied = 0;
  // `free`: the offset up to which the text is known to be outside quotes.
  let free = 0;
  const nextOpener = openerFinder(text);
  let opener = nextOpener(0);
  CAST_ARRAY.lastIndex = 0;
  for (let m = CAST_ARRAY.exec(text); m; m = CAST_ARRAY.exec(text)) {
    while (opener >= 0 && opener < m.index) {
      free = skipQuoted(text, opener);
      opener = nextOpener(free);
    }
    if (free > m.index) {
      // Inside a string, body or comment: go on after it.
      CAST_ARRAY.lastIndex = free;
      continue;
    }
    const elements = m[1].match(ELEMENT) ?? [];
    out.push(text.slice(copied, m.index), `ARRAY[${elements.map((e) => `(${e})::${m[2]}`).join(', ')}]`);
    copied = m.index + m[0].length;
    // The match holds quoted literals: continue the quote scan after it.
    free = copied;
    opener = nextOpener(copied);
  }
  return copied ? out.join('') + text.slice(copied) : text;
}
