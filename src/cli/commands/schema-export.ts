import { describeParams } from '../../core/connection/profile';
import { exportSchema, type SchemaExportOptions } from '../../core/schema';
import { EXIT, flag, flags, has, parseArgs, type CliCommand, type CliIo } from '../command';
import { PgBackupError } from '../../core/errors';
import { resolveConnArg } from '../resolve-conn';

/** Options both `schema export` and `schema check` take, without the layout. */
export function schemaSourceOptions(conn: string | undefined, p: ReturnType<typeof parseArgs>, io: CliIo): Omit<SchemaExportOptions, 'layout'> {
  const { params, password } = resolveConnArg(conn, io.env);
  return {
    conn: params,
    password,
    includeOwners: has(p, 'owners'),
    includePrivileges: has(p, 'privileges'),
    schemas: flags(p, 'schema'),
    toolFolders: io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean),
    signal: io.signal,
  };
}

export const SCHEMA_BOOLEANS = ['owners', 'privileges'] as const;

export const schemaExportCommand: CliCommand = {
  name: 'schema export',
  usage: 'pg-backup schema export <conn> --out FILE | --split DIR [--owners] [--privileges] [--schema S]...',
  summary: 'Write the schema (pg_dump --schema-only, normalized to be identical across runs) into one file or one file per object.',
  async run(args, io) {
    const p = parseArgs(args, ['out', 'split', 'schema'], SCHEMA_BOOLEANS);
    const out = flag(p, 'out');
    const split = flag(p, 'split');
    if (!out === !split) throw new PgBackupError('Give either --out FILE or --split DIR.', 'usage');
    if (p.positional.length > 1) throw new PgBackupError(`Unexpected argument "${p.positional[1]}".`, 'usage');
    const opts = schemaSourceOptions(p.positional[0], p, io);
    const result = await exportSchema({ ...opts, layout: out ? { kind: 'file', path: out } : { kind: 'split', dir: split! } });
    const changed = result.files.filter((f) => f.status !== 'unchanged');
    const where = out ?? split!;
    if (!changed.length) {
      io.out(`No changes: ${where} already matches the schema of ${describeParams(opts.conn)}.`);
      return EXIT.ok;
    }
    const count = (s: string) => changed.filter((f) => f.status === s).length;
    io.out(`Exported the schema of ${describeParams(opts.conn)} to ${where}: ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed.`);
    if (split) for (const f of changed) io.out(`  ${f.status.padEnd(7)} ${f.path}`);
    return EXIT.ok;
  },
};
