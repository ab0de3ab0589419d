/**
 * pg_dump's `-n` / `-t` patterns (psql's processSQLNamePattern rules) as JavaScript matchers, so the progress
 * estimate weighs the tables pg_dump will actually dump: unquoted letters fold to lower case, `*` and `?` are
 * wildcards, `.` separates schema and name, double quotes keep text literal (`""` is a quote), and an unqualified
 * table pattern only matches tables visible on the search path.
 */

function splitPattern(pattern: string): string[] {
  const parts: string[] = [''];
  let inQuotes = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '"') {
      if (inQuotes && pattern[i + 1] === '"') {
        parts[parts.length - 1] += '"';
        i++;
      } else inQuotes = !inQuotes;
    } else if (inQuotes) {
      parts[parts.length - 1] += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '.') {
      parts.push('');
    } else if (ch === '*') {
      parts[parts.length - 1] += '.*';
    } else if (ch === '?') {
      parts[parts.length - 1] += '.';
    } else if (ch === '$') {
      parts[parts.length - 1] += '\\$';
    } else {
      // psql lets other regexp characters through outside quotes; so do we.
      parts[parts.length - 1] += ch.toLowerCase();
    }
  }
  return parts;
}

function anchored(source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    return /^.*$/; // a pattern we cannot read: count everything rather than nothing
  }
}

export interface RelationRef {
  schema: string;
  name: string;
  /** pg_table_is_visible: an unqualified pattern only matches these. */
  visible: boolean;
}

export type RelationMatcher = (r: RelationRef) => boolean;

/** Matcher for a `-t` / `-T` / `--exclude-table-data` pattern: `name`, `schema.name` or `db.schema.name`. */
export function tablePatternMatcher(pattern: string): RelationMatcher {
  const parts = splitPattern(pattern);
  const name = anchored(parts[parts.length - 1]);
  if (parts.length === 1) return (r) => r.visible && name.test(r.name);
  const schema = anchored(parts[parts.length - 2]);
  return (r) => schema.test(r.schema) && name.test(r.name);
}

/** Matcher for a `-n` / `-N` pattern: `schema` or `db.schema`. */
export function schemaPatternMatcher(pattern: string): (schema: string) => boolean {
  const parts = splitPattern(pattern);
  const re = anchored(parts[parts.length - 1]);
  return (schema) => re.test(schema);
}
