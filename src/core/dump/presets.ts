import { availableParallelism } from 'node:os';
import { PgBackupError } from '../errors';
import type { DumpOptions } from './options';

/**
 * A named starting point for the dump form. Presets are data: `jobs: 'cores'` and `excludeTableData: 'chosen'`
 * are filled in by applyPreset from what the caller knows (the machine, the tables the user picked).
 */
export interface DumpPreset {
  name: string;
  description: string;
  options: Omit<DumpOptions, 'jobs' | 'excludeTableData'> & { jobs?: number | 'cores'; excludeTableData?: 'chosen' };
}

export const DUMP_PRESETS: readonly DumpPreset[] = [
  {
    name: 'Full (custom)',
    description: 'Everything in one compressed archive; restore all of it or pick objects with pg_restore.',
    options: { format: 'custom' },
  },
  {
    // Uncompressed: with pg_dump 15 the only codec is gzip, and even at level 1 it kept the dump CPU-bound on
    // 2 cores (bench/fast-preset.ts; docs/benchmarks.md). The folder is about twice the size of a gzip one.
    name: 'Fast parallel (directory, jobs = cores, no compression)',
    description: 'One worker per CPU core writing an uncompressed folder: no CPU spent on compression, twice the size.',
    options: { format: 'directory', jobs: 'cores', compression: { method: 'none' } },
  },
  {
    name: 'Schema only',
    description: 'Definitions without rows, as a readable SQL script.',
    options: { format: 'plain', schemaOnly: true },
  },
  {
    name: 'Staging copy without PII tables',
    description: 'Everything, but the chosen tables keep only their definitions, and no owners or grants.',
    options: { format: 'custom', excludeTableData: 'chosen', noOwner: true, noPrivileges: true },
  },
];

export interface PresetContext {
  /** CPU cores for `jobs = cores`; default this machine's. */
  cores?: number;
  /** Tables whose data the "Staging copy" preset leaves out (pg_dump patterns, e.g. `public.customers`). */
  chosenTables?: string[];
}

export function findPreset(name: string): DumpPreset {
  const p =
    DUMP_PRESETS.find((x) => x.name.toLowerCase() === name.trim().toLowerCase()) ??
    DUMP_PRESETS.find((x) => x.name.toLowerCase().startsWith(name.trim().toLowerCase()));
  if (!p)
    throw new PgBackupError(`Unknown preset "${name}".`, 'usage', {
      hint: `Presets: ${DUMP_PRESETS.map((x) => `"${x.name}"`).join(', ')}.`,
    });
  return p;
}

/** Concrete options for a preset. The staging preset needs at least one chosen table: without, it is a full dump. */
export function applyPreset(preset: DumpPreset, ctx: PresetContext = {}): DumpOptions {
  const { jobs, excludeTableData, ...rest } = preset.options;
  const out: DumpOptions = { ...rest };
  if (jobs !== undefined) out.jobs = jobs === 'cores' ? Math.max(1, ctx.cores ?? availableParallelism()) : jobs;
  if (excludeTableData === 'chosen') {
    if (!ctx.chosenTables?.length) {
      throw new PgBackupError(`The preset "${preset.name}" needs the tables whose data to leave out.`, 'usage', {
        hint: 'Pass them with --exclude-table-data.',
      });
    }
    out.excludeTableData = [...ctx.chosenTables];
  }
  return out;
}
