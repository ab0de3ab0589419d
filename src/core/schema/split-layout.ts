/**
 * The split layout: one file per object, plus `_index.sql` that runs them all with psql `\ir` in pg_dump's order.
 *
 *     _index.sql                          header settings, then one `\ir` per file, in dump order
 *     _database/extensions/pg_trgm.sql    objects outside any schema (extensions, event triggers, casts, …)
 *     <schema>/schema.sql                 CREATE SCHEMA and its comment
 *     <schema>/tables/users.sql           CREATE TABLE, its comments
 *     <schema>/tables/users.privileges.sql  its GRANTs (only with privileges)
 *     <schema>/tables/part_2024.attach.sql  ALTER TABLE … ATTACH PARTITION
 *     <schema>/defaults/users.sql         ALTER TABLE … SET DEFAULT for the table's columns
 *     <schema>/constraints/users.users_pkey.sql, indexes/users_name_idx.sql, triggers/users.users_touch.sql, …
 *     <schema>/functions/add(integer,integer).sql   overloads differ by argument types
 *
 * Why constraints, indexes, triggers and defaults are not folded into the table's file: pg_dump creates them
 * after every table, sequence and function (a foreign key needs the referenced table, a default its sequence), so
 * a table file holding them could not be run at the table's place. Keeping pg_dump's order exactly is what makes
 * `psql -f _index.sql` recreate the schema.
 *
 * Consecutive entries of one object (a table and its comments, a sequence and its OWNED BY) share a file. Every
 * path is computed from the entry alone (type, schema, name), so unrelated changes never move an object to
 * another file.
 */
import type { DumpEntry, ParsedDump } from './dump-entries';
import { parseDump } from './dump-entries';
import { disambiguate, safeSegment } from './file-names';

export const INDEX_FILE = '_index.sql';
/** Folder for objects that belong to no schema. Schema folders never start with `_` (it is escaped). */
export const DATABASE_DIR = '_database';

/** Folder for each pg_dump entry type; types not listed go to a folder named after the type. */
const FOLDERS: Record<string, string> = {
  TABLE: 'tables',
  'TABLE ATTACH': 'tables',
  'FOREIGN TABLE': 'foreign_tables',
  VIEW: 'views',
  'MATERIALIZED VIEW': 'materialized_views',
  SEQUENCE: 'sequences',
  TYPE: 'types',
  'SHELL TYPE': 'types',
  DOMAIN: 'domains',
  FUNCTION: 'functions',
  PROCEDURE: 'procedures',
  AGGREGATE: 'aggregates',
  OPERATOR: 'operators',
  'OPERATOR CLASS': 'operator_classes',
  'OPERATOR FAMILY': 'operator_families',
  COLLATION: 'collations',
  CONVERSION: 'conversions',
  'TEXT SEARCH CONFIGURATION': 'text_search',
  'TEXT SEARCH DICTIONARY': 'text_search',
  'TEXT SEARCH PARSER': 'text_search',
  'TEXT SEARCH TEMPLATE': 'text_search',
  DEFAULT: 'defaults',
  CONSTRAINT: 'constraints',
  'CHECK CONSTRAINT': 'constraints',
  'FK CONSTRAINT': 'constraints',
  INDEX: 'indexes',
  'INDEX ATTACH': 'indexes',
  STATISTICS: 'statistics',
  TRIGGER: 'triggers',
  RULE: 'rules',
  POLICY: 'policies',
  'ROW SECURITY': 'policies',
  EXTENSION: 'extensions',
  'EVENT TRIGGER': 'event_triggers',
  PUBLICATION: 'publications',
  'PUBLICATION TABLE': 'publications',
  'PUBLICATION TABLES IN SCHEMA': 'publications',
  SUBSCRIPTION: 'subscriptions',
  CAST: 'casts',
  TRANSFORM: 'transforms',
  'PROCEDURAL LANGUAGE': 'languages',
  'FOREIGN DATA WRAPPER': 'foreign_data_wrappers',
  SERVER: 'foreign_servers',
  'USER MAPPING': 'user_mappings',
  'ACCESS METHOD': 'access_methods',
  'DEFAULT ACL': 'default_privileges',
};

/** Every folder an object file may live in, below a schema folder or `_database/`. */
export const OBJECT_FOLDERS: ReadonlySet<string> = new Set(Object.values(FOLDERS));

/** A second entry of an object that pg_dump writes elsewhere in the dump gets a file beside the object's own. */
const VARIANTS = new Map([
  ['SHELL TYPE', 'shell'],
  ['TABLE ATTACH', 'attach'],
  ['INDEX ATTACH', 'attach'],
  ['ROW SECURITY', 'row_security'],
  ['ACL', 'privileges'],
]);

/** Entries whose tag is "<table> <name>". */
const ON_TABLE = new Set([
  'CONSTRAINT',
  'CHECK CONSTRAINT',
  'FK CONSTRAINT',
  'TRIGGER',
  'RULE',
  'POLICY',
  'DEFAULT',
  'PUBLICATION TABLE',
]);
/** Entries whose tag is a signature "name(type, type)". */
const SIGNATURE = new Set(['FUNCTION', 'PROCEDURE', 'AGGREGATE', 'OPERATOR', 'CAST', 'TRANSFORM']);
const RELATION = new Set(['TABLE', 'FOREIGN TABLE', 'VIEW', 'MATERIALIZED VIEW', 'SEQUENCE']);
/** Entries that describe the object before them: tag "<KIND> <object>". */
const ATTACHED = new Set(['COMMENT', 'SECURITY LABEL', 'ACL']);

/** Where an object's file goes, before the names are made safe. */
interface ObjectRef {
  /** Schema name; undefined for objects outside schemas. */
  schema?: string;
  /** '' for the schema's own `schema.sql`. */
  folder: string;
  stem: string;
  variant?: string;
}

/** How an entry is looked up by the COMMENT and ACL entries that name it: relations share one namespace. */
function family(type: string): string {
  if (RELATION.has(type)) return 'relation';
  if (type === 'FUNCTION' || type === 'PROCEDURE' || type === 'AGGREGATE') return 'routine';
  if (type === 'FK CONSTRAINT' || type === 'CHECK CONSTRAINT') return 'CONSTRAINT';
  if (type === 'DOMAIN') return 'TYPE'; // an ACL on a domain says "TYPE"
  return type;
}

/** Reads one identifier as pg_dump's fmtId writes it (double-quoted when needed); returns it and where it ends. */
function readIdent(s: string, i: number): [string, number] {
  if (s[i] !== '"') {
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '(' && s[j] !== ' ') j++;
    return [s.slice(i, j), j];
  }
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === '"' && s[j + 1] === '"') {
      out += '"';
      j += 2;
    } else if (s[j] === '"') return [out, j + 1];
    else out += s[j++];
  }
  return [out, j];
}

/** The last part of a possibly qualified identifier list starting at i. */
function readQualified(s: string, i: number): [string, number] {
  let [name, j] = readIdent(s, i);
  while (s[j] === '.') [name, j] = readIdent(s, j + 1);
  return [name, j];
}

/** KINDs of COMMENT/ACL tags, longest first so "MATERIALIZED VIEW" wins over "VIEW"; with the space that follows. */
const TAG_KINDS = [...Object.keys(FOLDERS), 'COLUMN', 'SCHEMA', 'DATABASE', 'LANGUAGE', 'LARGE OBJECT']
  .sort((a, b) => b.length - a.length)
  .map((k) => `${k} `);

interface Target {
  type: string;
  /** As the object's own entry names it (see lookupName). */
  name: string;
  /** For routines and operators: the signature as the tag spells it, "add(a integer, b integer)". */
  signature?: string;
}

/** What a COMMENT/ACL/SECURITY LABEL tag ("TABLE users", "COLUMN users.name", "CONSTRAINT c ON t") points at. */
function targetOf(tag: string): Target | undefined {
  const prefix = TAG_KINDS.find((k) => tag.startsWith(k));
  if (!prefix) return undefined;
  const kind = prefix.slice(0, -1);
  const rest = tag.slice(prefix.length);
  const [first, end] = readIdent(rest, 0);
  if (kind === 'COLUMN') return { type: 'TABLE', name: first };
  if (rest.startsWith(' ON ', end) && ON_TABLE.has(kind)) {
    const [table] = readQualified(rest, end + 4);
    return { type: kind, name: `${table} ${first}` };
  }
  return {
    type: kind === 'LANGUAGE' ? 'PROCEDURAL LANGUAGE' : kind,
    name: first,
    signature: SIGNATURE.has(kind) ? rest : undefined,
  };
}

/** The name a main entry is found by: routines by their bare name (comments spell their arguments differently). */
function lookupName(e: DumpEntry): string {
  const paren = e.name.indexOf('(');
  return family(e.type) === 'routine' && paren >= 0 ? e.name.slice(0, paren) : e.name;
}

/** An entry type's folder; a type not listed gets one named after it (remembered: there are thousands of entries). */
const folderByType = new Map(Object.entries(FOLDERS));
function folderOf(type: string): string {
  let folder = folderByType.get(type);
  if (folder === undefined) folderByType.set(type, (folder = type.toLowerCase().replace(/[^a-z0-9]+/g, '_')));
  return folder;
}

/** Splits "<table> <name>" where either may contain spaces, using the tables seen so far. */
function splitOnTable(tag: string, tables: ReadonlySet<string>): [string, string] | undefined {
  let best: [string, string] | undefined;
  for (let i = tag.indexOf(' '); i >= 0; i = tag.indexOf(' ', i + 1)) {
    if (tables.has(tag.slice(0, i))) best = [tag.slice(0, i), tag.slice(i + 1)];
  }
  if (best) return best;
  const i = tag.indexOf(' ');
  return i >= 0 && tag.indexOf(' ', i + 1) < 0 ? [tag.slice(0, i), tag.slice(i + 1)] : undefined;
}

function refOfMain(e: DumpEntry, relations: ReadonlySet<string>): ObjectRef {
  const schema = e.schema === '-' ? undefined : e.schema;
  if (e.type === 'SCHEMA') return { schema: e.name, folder: '', stem: 'schema' };
  const folder = folderOf(e.type);
  let stem = e.name;
  if (ON_TABLE.has(e.type)) {
    const parts = splitOnTable(e.name, relations);
    if (parts) stem = e.type === 'DEFAULT' ? parts[0] : `${parts[0]}.${parts[1]}`;
  } else if (SIGNATURE.has(e.type)) stem = e.name.replace(/, /g, ',');
  return { schema, folder, stem, variant: VARIANTS.get(e.type) };
}

/** A COMMENT/ACL whose object is not among the entries (e.g. the `public` schema pg_dump does not create). */
function refOfTarget(e: DumpEntry, target: Target): ObjectRef {
  const variant = VARIANTS.get(e.type);
  if (target.type === 'SCHEMA') return { schema: target.name, folder: '', stem: 'schema', variant };
  if (target.type === 'DATABASE') return { folder: 'database', stem: target.name, variant };
  const stem = target.signature?.replace(/, /g, ',') ?? target.name.replace(' ', '.');
  return { schema: e.schema === '-' ? undefined : e.schema, folder: folderOf(target.type), stem, variant };
}

/** What a name clash suffix is a hash of: fixed, since it ends up in committed file names. */
function refIdentity(r: ObjectRef, part: number): string {
  return `${JSON.stringify([r.schema ?? null, r.folder, r.stem, r.variant ?? null])}#${part}`;
}

function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.stem === b.stem && a.folder === b.folder && a.schema === b.schema && a.variant === b.variant;
}

export interface SplitFile {
  path: string;
  content: string;
}

interface Run {
  ref: ObjectRef;
  /** Where COMMENT/ACL entries find the object this run was opened for (its list in the MainIndex). */
  lookup?: Main[];
  entries: DumpEntry[];
}

/**
 * Whether an entry tag "add(integer, integer)" (argument types) is the routine a COMMENT/ACL tag spells
 * "add(a integer, b integer DEFAULT 1)" (names, modes, defaults, OUT arguments).
 */
function sameArguments(tag: string, signature: string): boolean {
  const args = (s: string) =>
    s
      .slice(s.indexOf('(') + 1, s.lastIndexOf(')'))
      .split(', ')
      .filter(Boolean);
  const bare = (a: string) => a.replace(/ DEFAULT .*$/, '').replace(/^(?:IN|INOUT|VARIADIC) /, '');
  const types = args(tag).map(bare);
  const named = args(signature)
    .filter((a) => !a.startsWith('OUT '))
    .map(bare);
  return types.length === named.length && types.every((t, i) => named[i] === t || named[i].endsWith(` ${t}`));
}

interface Main {
  ref: ObjectRef;
  /** The entry's tag. */
  name: string;
}

/** The object a COMMENT/ACL names among the entries seen so far; overloads are told apart by their arguments. */
function findTarget(candidates: readonly Main[], target: Target): ObjectRef | undefined {
  const fitting =
    candidates.length > 1 && target.signature
      ? candidates.filter((c) => sameArguments(c.name, target.signature!))
      : candidates;
  return fitting.length === 1 ? fitting[0].ref : undefined;
}

/** Main entries by schema, family and lookup name: nested maps, so no key string is built per entry. */
type MainIndex = Map<string, Map<string, Map<string, Main[]>>>;

/** The main entries a key names. */
function mainsAt(index: MainIndex, schema: string, type: string, name: string): Main[] | undefined {
  return index.get(schema)?.get(family(type))?.get(name);
}

/** Adds a main entry under its key; returns the key's list. */
function addMain(index: MainIndex, schema: string, type: string, name: string, main: Main): Main[] {
  const fam = family(type);
  let byFamily = index.get(schema);
  if (!byFamily) index.set(schema, (byFamily = new Map()));
  let byName = byFamily.get(fam);
  if (!byName) byFamily.set(fam, (byName = new Map()));
  let list = byName.get(name);
  if (list) list.push(main);
  else byName.set(name, (list = [main]));
  return list;
}

/** Groups entries into runs of one object each, in dump order. */
function groupRuns(dump: ParsedDump): (Run | string)[] {
  const out: (Run | string)[] = [];
  const mains: MainIndex = new Map();
  const relations = new Map<string, Set<string>>();
  let last: Run | undefined;
  for (const item of dump.items) {
    if (item.kind === 'settings') {
      out.push(item.text);
      last = undefined;
      continue;
    }
    let ref: ObjectRef;
    let lookup: Main[] | undefined;
    const target = ATTACHED.has(item.type) ? targetOf(item.name) : undefined;
    if (item.type === 'SEQUENCE OWNED BY' && last) ref = last.ref;
    else if (target) {
      // pg_dump writes comments right after their object: the run before wins. ACLs come in a later pass.
      const list = mainsAt(mains, item.schema, target.type, target.name);
      const own =
        (list && last?.lookup === list ? last.ref : findTarget(list ?? [], target)) ?? refOfTarget(item, target);
      ref = item.type === 'ACL' ? { ...own, variant: VARIANTS.get('ACL') } : own;
    } else {
      const tables = relations.get(item.schema) ?? new Set();
      ref = refOfMain(item, tables);
      if (RELATION.has(item.type)) relations.set(item.schema, tables.add(item.name));
      lookup = addMain(mains, item.schema, item.type, lookupName(item), { ref, name: item.name });
    }
    if (last && sameRef(last.ref, ref)) {
      last.entries.push(item);
      continue;
    }
    last = { ref, lookup, entries: [item] };
    out.push(last);
  }
  return out;
}

/**
 * Safe, collision-free relative paths for every run, in the runs' order. A run of an object pg_dump wrote
 * before (rare) is numbered: `<name>.2.sql`.
 */
function assignPaths(runs: readonly Run[]): string[] {
  const schemas = [...new Set(runs.map((r) => r.ref.schema).filter((s): s is string => s !== undefined))];
  const schemaDirs = disambiguate(
    schemas.map((s) => safeSegment(s, '_')),
    (i) => schemas[i],
  );
  const dirs = new Map(schemas.map((s, i) => [s, schemaDirs[i]]));
  // Names need to be unique within a folder only: runs by schema folder, then object folder.
  const folders = new Map<string, Map<string, number[]>>();
  runs.forEach(({ ref }, i) => {
    const dir = ref.schema === undefined ? DATABASE_DIR : dirs.get(ref.schema)!;
    let inDir = folders.get(dir);
    if (!inDir) folders.set(dir, (inDir = new Map()));
    const list = inDir.get(ref.folder);
    if (list) list.push(i);
    else inDir.set(ref.folder, [i]);
  });
  const out: string[] = new Array(runs.length);
  for (const [dir, inDir] of folders) {
    for (const [folder, list] of inDir) {
      // Within one folder a file is told apart by stem and variant (schema and folder are the same).
      const seen = new Map<string, number>();
      const parts = list.map((i) => {
        const { stem, variant } = runs[i].ref;
        const key = variant === undefined ? stem : `${stem}\u0000${variant}`;
        const part = (seen.get(key) ?? 0) + 1;
        seen.set(key, part);
        return part;
      });
      const names = disambiguate(
        list.map((i, k) => {
          const { stem, variant } = runs[i].ref;
          return (
            (folder ? safeSegment(stem) : stem) + (variant ? `.${variant}` : '') + (parts[k] > 1 ? `.${parts[k]}` : '')
          );
        }),
        (k) => refIdentity(runs[list[k]].ref, parts[k]),
        '.sql',
      );
      const where = folder ? `${dir}/${folder}/` : `${dir}/`;
      list.forEach((i, k) => (out[i] = where + names[k]));
    }
  }
  return out;
}

/** psql meta-command argument: single-quoted, with `'` doubled and `\` escaped (psql applies C-like escapes). */
function psqlQuote(path: string): string {
  return /['\\]/.test(path) ? `'${path.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${path}'`;
}

const INDEX_NOTE =
  "-- Index of the split layout: `psql -f _index.sql` recreates the schema; each \\ir line runs one object's file, in pg_dump's order.";

/**
 * Splits a normalized schema dump into files. The header (provenance comment and session settings) and trailer
 * stay in the index file, so each object file holds only its own statements.
 */
export function splitDump(normalized: string): SplitFile[] {
  const dump = parseDump(normalized);
  const sequence = groupRuns(dump);
  const runs = sequence.filter((s): s is Run => typeof s !== 'string');
  const paths = assignPaths(runs);
  const firstLine = dump.header.indexOf('\n');
  const provenance = firstLine < 0 ? dump.header : dump.header.slice(0, firstLine);
  // Lines of the index; a text block (settings, trailer) is set off by blank lines as pg_dump does.
  const index: string[] = [provenance, INDEX_NOTE, firstLine < 0 ? '' : dump.header.slice(firstLine + 1)];
  const files: SplitFile[] = [{ path: INDEX_FILE, content: '' }];
  for (const s of sequence) {
    if (typeof s === 'string') {
      index.push('', s);
      continue;
    }
    const path = paths[files.length - 1];
    index.push(`\\ir ${psqlQuote(path)}`);
    files.push({
      path,
      content: s.entries.length === 1 ? s.entries[0].text : s.entries.map((e) => e.text).join('\n\n'),
    });
  }
  if (dump.trailer) index.push('', dump.trailer);
  const text = index.join('\n');
  let end = text.length;
  while (end > 0 && text[end - 1] === '\n') end--;
  files[0].content = `${text.slice(0, end)}\n`;
  return files;
}
