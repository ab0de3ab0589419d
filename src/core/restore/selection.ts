import { PgBackupError } from '../errors';
import type { TocEntry } from '../archive/types';
import { describeEntry, type TocIndex } from './toc-index';

/** One `--select KIND:SCHEMA.NAME` (or `SCHEMA:NAME`), parsed. */
export interface SelectSpec {
  kind: string;
  schema: string | null;
  name: string;
}

/** Splits `a.b` at the first dot outside double quotes and unquotes each part as SQL identifiers are. */
function splitQualified(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      if (quoted && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted && parts.length === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function parseSelectSpec(spec: string): SelectSpec {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) {
    throw new PgBackupError(
      `"${spec}" is not a selection: use KIND:SCHEMA.NAME (e.g. TABLE:public.products) or SCHEMA:NAME.`,
      'usage',
    );
  }
  const kind = spec.slice(0, colon).trim().replace(/_/g, ' ').toUpperCase();
  const rest = spec.slice(colon + 1).trim();
  if (kind === 'SCHEMA') return { kind, schema: null, name: splitQualified(rest).join('.') };
  const parts = splitQualified(rest);
  return parts.length === 2 ? { kind, schema: parts[0], name: parts[1] } : { kind, schema: null, name: parts[0] };
}

/** A function's tag is "name(argtypes)": the bare name selects it too (all overloads). */
function nameMatches(e: TocEntry, name: string): boolean {
  if (e.tag === name) return true;
  const paren = e.tag.indexOf('(');
  return paren > 0 && e.tag.slice(0, paren) === name;
}

/** The entries a spec names; a spec that names nothing, or an unqualified name found in two schemas, is an error. */
export function resolveSpec(index: TocIndex, spec: SelectSpec): TocEntry[] {
  const found = index.entries.filter((e) => {
    if (e.desc !== spec.kind) return false;
    if (spec.kind === 'SCHEMA') return e.tag === spec.name;
    return (spec.schema === null || e.namespace === spec.schema) && nameMatches(e, spec.name);
  });
  const label = `${spec.kind} ${spec.schema ? `${spec.schema}.` : ''}${spec.name}`;
  if (!found.length)
    throw new PgBackupError(`The archive has no ${label}.`, 'usage', {
      hint: 'List what it holds with: pg-backup inspect <file>.',
    });
  const schemas = new Set(found.map((e) => e.namespace));
  if (spec.schema === null && schemas.size > 1) {
    throw new PgBackupError(`${label} is ambiguous: ${found.map(describeEntry).join(', ')}.`, 'usage', {
      hint: 'Qualify it with its schema.',
    });
  }
  return found;
}
