/**
 * File names from PostgreSQL object names that are safe and stable on Linux, macOS and Windows:
 * - readable where possible: letters of any script, digits and a few punctuation marks stay as they are;
 * - everything else (quotes, slashes, `:*?<>|`, `%`, `~`, control and invisible characters) is percent-encoded
 *   as UTF-8 bytes, like a URL, so the mapping is reversible and never produces a path separator;
 * - names Windows reserves (CON, NUL, COM1, LPT1, … also with an extension) and leading/trailing dots and spaces
 *   (Windows drops them) are escaped the same way;
 * - over-long names are cut and given a hash of the full name, so two long names never meet;
 * - names that differ only in case or Unicode normalization (one file on a case-insensitive file system) get a
 *   stable suffix derived from the object's identity, see `disambiguate`.
 */
import { createHash } from 'node:crypto';

/** UTF-8 bytes a file name stem may take before it is cut (file systems allow 255; the path needs room too). */
export const MAX_STEM_BYTES = 100;

const SAFE_CHAR = /^[A-Za-z0-9 _\-.,()+=@\p{L}\p{M}\p{N}]$/u;
/** Names the slow path would return unchanged: safe ASCII, not starting with `-` or `.`, not ending with `.`. */
const PLAIN = /^[A-Za-z0-9_](?:[A-Za-z0-9_(),+=@.-]*[A-Za-z0-9_(),+=@-])?$/;
const RESERVED_WINDOWS = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\.|$)/i;

export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

function percent(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * One path segment (no extension) for a name. `escapeLeading` lists characters that must not start the segment
 * (the caller reserves names starting with them for its own files).
 */
export function safeSegment(name: string, escapeLeading = ''): string {
  // Fast path: most names are plain ASCII identifiers.
  if (
    PLAIN.test(name) &&
    name.length <= MAX_STEM_BYTES &&
    !escapeLeading.includes(name[0]) &&
    !RESERVED_WINDOWS.test(name)
  )
    return name;
  const chars = [...name.normalize('NFC')];
  let out = chars.map((c) => (SAFE_CHAR.test(c) ? c : percent(c))).join('');
  if (!out) return '%00';
  const first = out[0];
  if (first === ' ' || first === '.' || first === '-' || escapeLeading.includes(first) || RESERVED_WINDOWS.test(out)) {
    out = percent(first) + out.slice(1);
  }
  const last = out[out.length - 1];
  if (last === ' ' || last === '.') out = out.slice(0, -1) + percent(last);
  if (Buffer.byteLength(out, 'utf8') <= MAX_STEM_BYTES) return out;
  let cut = '';
  for (const c of out) {
    if (Buffer.byteLength(cut + c, 'utf8') > MAX_STEM_BYTES - 9) break;
    cut += c;
  }
  // Never end on a half-written escape ("%C3%A").
  cut = cut.replace(/%[0-9A-F]?$/, '');
  return `${cut}~${shortHash(name)}`;
}

/** How two paths compare on a case-insensitive, normalization-insensitive file system (macOS, Windows). */
export function foldPath(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/**
 * Gives every name (`names[i] + extension`) one no other name equals when case and Unicode normalization are
 * ignored; returns them in the same order. A name nobody else folds to is kept. In a clash, an all-lower-case name
 * keeps its name (when it is the only one) and every other member gets `~<hash of identityOf(i)>`, where the
 * identity is what makes the object unique (e.g. its type, schema and name): the suffix depends on the object
 * alone, not on the order objects were found in, so it is the same on every run. `identityOf` is only called for
 * names that clash (rare; thousands of names are checked per export).
 */
export function disambiguate(
  names: readonly string[],
  identityOf: (index: number) => string,
  extension = '',
): string[] {
  const out = names.map((n) => n + extension);
  // Folded name → the first index with it; clashes (rare) collect every index in `clashes`.
  const first = new Map<string, number>();
  const clashes = new Map<string, number[]>();
  out.forEach((full, i) => {
    const key = foldPath(full);
    const at = first.get(key);
    if (at === undefined) first.set(key, i);
    else if (clashes.has(key)) clashes.get(key)!.push(i);
    else clashes.set(key, [at, i]);
  });
  for (const group of clashes.values()) {
    const lower = group.filter((i) => names[i] === names[i].toLowerCase() && names[i] === names[i].normalize('NFC'));
    for (const i of group) {
      if (lower.length !== 1 || lower[0] !== i) out[i] = `${names[i]}~${shortHash(identityOf(i))}${extension}`;
    }
  }
  return out;
}
