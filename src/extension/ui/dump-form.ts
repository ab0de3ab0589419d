import * as vscode from 'vscode';
import { exactPattern, type TableRef } from '../../core/connection/objects';
import {
  applyPreset,
  compressionLevelRange,
  compressionMethodsFor,
  DUMP_PRESETS,
  validateDumpOptions,
  type CompressionMethod,
  type DumpFormat,
  type DumpOptions,
} from '../../core/dump';
import { errorMessage } from '../../core/errors';
import { formatBytes } from '../../core/format';

export interface DumpFormInput {
  title: string;
  pgDumpMajor: number;
  cores: number;
  schemas: string[];
  tables: TableRef[];
  last?: DumpOptions;
}

type Step<T> = Promise<T | undefined>;

const FORMATS: { format: DumpFormat; label: string; detail: string }[] = [
  {
    format: 'custom',
    label: 'Custom (.dump)',
    detail: 'Compressed archive; restore all or selected objects with pg_restore, in parallel',
  },
  {
    format: 'directory',
    label: 'Directory',
    detail: 'A folder, one file per table; the only format pg_dump can write in parallel',
  },
  { format: 'plain', label: 'Plain SQL (.sql)', detail: 'A readable script for psql; cannot be restored selectively' },
  { format: 'tar', label: 'Tar (.tar)', detail: 'An uncompressed tar archive pg_restore reads; no parallel restore' },
];

const tableLabel = (t: TableRef) => `${t.schema}.${t.name}`;

async function pickTables(
  title: string,
  tables: TableRef[],
  placeHolder: string,
  preselected: string[] = [],
): Step<string[]> {
  const picked = await vscode.window.showQuickPick(
    tables.map((t) => ({
      label: tableLabel(t),
      description: `${formatBytes(t.sizeBytes)}${t.relkind === 'p' ? ' · partitioned' : t.relkind === 'm' ? ' · materialized view' : ''}`,
      pattern: exactPattern(t.schema, t.name),
      picked: preselected.includes(exactPattern(t.schema, t.name)),
    })),
    { title, placeHolder, canPickMany: true, matchOnDescription: true, ignoreFocusOut: true },
  );
  return picked?.map((p) => p.pattern);
}

async function pickSchemas(title: string, schemas: string[], placeHolder: string): Step<string[]> {
  const picked = await vscode.window.showQuickPick(
    schemas.map((s) => ({ label: s, pattern: exactPattern(s) })),
    { title, placeHolder, canPickMany: true, ignoreFocusOut: true },
  );
  return picked?.map((p) => p.pattern);
}

/** The custom path: format, compression, jobs, content, filters, owner/privileges. */
async function customOptions(input: DumpFormInput): Step<DumpOptions> {
  const { title } = input;
  const f = await vscode.window.showQuickPick(
    FORMATS.map((x) => ({ ...x, picked: x.format === input.last?.format })),
    { title, placeHolder: 'Format', ignoreFocusOut: true },
  );
  if (!f) return undefined;
  const o: DumpOptions = { format: f.format };

  if (o.format !== 'tar') {
    const methods = compressionMethodsFor(input.pgDumpMajor);
    const m = await vscode.window.showQuickPick(
      [
        { label: 'default', description: o.format === 'plain' ? 'none' : 'gzip, level 6' },
        ...methods.map((x) => ({
          label: x,
          description: compressionLevelRange(x) ? `levels ${compressionLevelRange(x)!.join('–')}` : 'uncompressed',
        })),
      ],
      {
        title,
        placeHolder: `Compression (pg_dump ${input.pgDumpMajor}${input.pgDumpMajor < 16 ? ': lz4 and zstd need pg_dump 16' : ''})`,
        ignoreFocusOut: true,
      },
    );
    if (!m) return undefined;
    if (m.label !== 'default') {
      const method = m.label as CompressionMethod;
      const range = compressionLevelRange(method);
      let level: number | undefined;
      if (range) {
        const text = await vscode.window.showInputBox({
          title,
          prompt: `${method} level (${range[0]}–${range[1]}), empty for its default`,
          ignoreFocusOut: true,
          validateInput: (v) =>
            v === '' || (/^\d+$/.test(v) && +v >= range[0] && +v <= range[1])
              ? undefined
              : `A level from ${range[0]} to ${range[1]}`,
        });
        if (text === undefined) return undefined;
        level = text === '' ? undefined : Number(text);
      }
      o.compression = level === undefined ? { method } : { method, level };
    }
  }

  if (o.format === 'directory') {
    const jobs = await vscode.window.showInputBox({
      title,
      prompt: `Parallel jobs (this machine has ${input.cores} cores; each job holds a connection)`,
      value: String(input.last?.jobs ?? Math.min(4, input.cores)),
      ignoreFocusOut: true,
      validateInput: (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 64 ? undefined : 'A whole number from 1 to 64'),
    });
    if (jobs === undefined) return undefined;
    if (+jobs > 1) o.jobs = +jobs;
  }

  const content = await vscode.window.showQuickPick(
    [
      { id: 'all', label: 'Schema and data' },
      { id: 'schema', label: 'Schema only', detail: 'Definitions, no rows' },
      { id: 'data', label: 'Data only', detail: 'Rows, no definitions' },
    ],
    { title, placeHolder: 'Content', ignoreFocusOut: true },
  );
  if (!content) return undefined;
  if (content.id === 'schema') o.schemaOnly = true;
  if (content.id === 'data') o.dataOnly = true;

  const filters = await vscode.window.showQuickPick(
    [
      { id: 'schemas', label: 'Only some schemas…' },
      { id: 'excludeSchemas', label: 'Leave out schemas…' },
      { id: 'tables', label: 'Only some tables…' },
      { id: 'excludeTables', label: 'Leave out tables…' },
      ...(content.id === 'schema'
        ? []
        : [
            {
              id: 'excludeTableData',
              label: 'Keep tables but leave out their data…',
              detail: 'e.g. PII tables for a staging copy',
            },
          ]),
      { id: 'noOwner', label: 'No owners', detail: '--no-owner: restore as whoever restores' },
      { id: 'noPrivileges', label: 'No privileges', detail: '--no-privileges: leave out GRANT/REVOKE' },
    ],
    { title, placeHolder: 'Filters and options (pick none for a full dump)', canPickMany: true, ignoreFocusOut: true },
  );
  if (!filters) return undefined;
  const ids = new Set(filters.map((x) => x.id));
  if (ids.has('schemas') && !(o.schemas = await pickSchemas(title, input.schemas, 'Schemas to dump'))) return undefined;
  if (
    ids.has('excludeSchemas') &&
    !(o.excludeSchemas = await pickSchemas(title, input.schemas, 'Schemas to leave out'))
  )
    return undefined;
  if (ids.has('tables') && !(o.tables = await pickTables(title, input.tables, 'Tables to dump'))) return undefined;
  if (ids.has('excludeTables') && !(o.excludeTables = await pickTables(title, input.tables, 'Tables to leave out')))
    return undefined;
  if (
    ids.has('excludeTableData') &&
    !(o.excludeTableData = await pickTables(title, input.tables, 'Tables whose data to leave out'))
  )
    return undefined;
  if (ids.has('noOwner')) o.noOwner = true;
  if (ids.has('noPrivileges')) o.noPrivileges = true;
  for (const k of ['schemas', 'excludeSchemas', 'tables', 'excludeTables', 'excludeTableData'] as const)
    if (!o[k]?.length) delete o[k];
  return o;
}

export function describeOptions(o: DumpOptions): string {
  return [
    o.format,
    o.compression
      ? `${o.compression.method}${o.compression.level !== undefined ? `:${o.compression.level}` : ''}`
      : undefined,
    o.jobs ? `${o.jobs} jobs` : undefined,
    o.schemaOnly ? 'schema only' : o.dataOnly ? 'data only' : undefined,
    o.schemas ? `schemas ${o.schemas.join(', ')}` : undefined,
    o.excludeSchemas ? `without schemas ${o.excludeSchemas.join(', ')}` : undefined,
    o.tables ? `tables ${o.tables.join(', ')}` : undefined,
    o.excludeTables ? `without ${o.excludeTables.join(', ')}` : undefined,
    o.excludeTableData ? `no data for ${o.excludeTableData.join(', ')}` : undefined,
    o.noOwner ? 'no owner' : undefined,
    o.noPrivileges ? 'no privileges' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Preset, last choices, or the custom path. Returns options that pg_dump of that major accepts. */
export async function dumpForm(input: DumpFormInput): Step<DumpOptions> {
  const items: (vscode.QuickPickItem & { run: () => Step<DumpOptions> })[] = [];
  if (input.last)
    items.push({
      label: '$(history) Same as last time',
      detail: describeOptions(input.last),
      run: async () => input.last,
    });
  for (const p of DUMP_PRESETS) {
    items.push({
      label: p.name,
      detail: p.description,
      run: async () => {
        if (p.options.excludeTableData !== 'chosen') return applyPreset(p, { cores: input.cores });
        const chosen = await pickTables(
          input.title,
          input.tables,
          'Tables whose data stays out (e.g. customers, users)',
        );
        return chosen?.length ? applyPreset(p, { cores: input.cores, chosenTables: chosen }) : undefined;
      },
    });
  }
  items.push({
    label: '$(settings) Custom…',
    detail: 'Format, compression, jobs, schemas and tables, owners and privileges',
    run: () => customOptions(input),
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: input.title,
    placeHolder: 'What kind of dump?',
    ignoreFocusOut: true,
  });
  const options = await picked?.run();
  if (!options) return undefined;
  try {
    validateDumpOptions(options, input.pgDumpMajor);
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
    return undefined;
  }
  return options;
}
