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
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_(),+=@-]*$/;
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
  if (PLAIN.test(name) && name.length <= MAX_STEM_BYTES && !escapeLeading.includes(name[0]) && !RESERVED_WINDOWS.test(name)) return name;
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

export interface NameRequest {
  /** What makes the object unique (e.g. its type, schema and name); hashed into the suffix. */
  identity: string;
  /** The wanted name; the suffix goes before `extension`. */
  name: string;
  extension?: string;
}

/**
 * Gives every request a name no other request's name equals when case and Unicode normalization are ignored.
 * A name nobody else folds to is kept. In a clash, an all-lower-case name keeps its name (when it is the only
 * one) and every other member gets `~<hash of its identity>`: the suffix depends on the object alone, not on the
 * order objects were found in, so it is the same on every run.
 */
export function disambiguate(requests: readonly NameRequest[]): Map<string, string> {
  const groups = new Map<string, NameRequest[]>();
  for (const r of requests) {
    const key = foldPath(r.name + (r.extension ?? ''));
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const out = new Map<string, string>();
  for (const group of groups.values()) {
    if (group.length === 1) {
      out.set(group[0].identity, group[0].name + (group[0].extension ?? ''));
      continue;
    }
    const lower = group.filter((r) => r.name === r.name.toLowerCase() && r.name === r.name.normalize('NFC'));
    for (const r of group) {
      const keep = lower.length === 1 && lower[0] === r;
      out.set(r.identity, keep ? r.name + (r.extension ?? '') : `${r.name}~${shortHash(r.identity)}${r.extension ?? ''}`);
    }
  }
  return out;
}
