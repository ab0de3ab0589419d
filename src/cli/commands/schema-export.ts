import { describeParams } from '../../core/connection/profile';
import { exportSchema, type SchemaExportOptions } from '../../core/schema';
import { defineCommand, EXIT, type CliIo } from '../command';
import { flag, flags, has, type FlagSpecs, type ParsedArgs } from '../flags';
import { PgBackupError } from '../../core/errors';
import { resolveConnArg } from '../resolve-conn';

/** Options both `schema export` and `schema check` take, without the layout. */
export function schemaSourceOptions(
  conn: string | undefined,
  p: ParsedArgs,
  io: CliIo,
): Omit<SchemaExportOptions, 'layout'> {
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

/** The flags both `schema export` and `schema check` take. */
export const SCHEMA_SOURCE_FLAGS: FlagSpecs = {
  owners: { help: 'keep OWNER TO statements' },
  privileges: { help: 'keep GRANT and REVOKE statements' },
  schema: { value: 'S', repeatable: true, help: 'only this schema' },
};

export const schemaExportCommand = defineCommand({
  name: 'schema export',
  args: '<conn>',
  flags: {
    out: { value: 'FILE', required: true, group: 'layout', help: 'write the whole schema into one file' },
    split: { value: 'DIR', required: true, group: 'layout', help: 'write one file per object under DIR' },
    ...SCHEMA_SOURCE_FLAGS,
  },
  summary:
    'Write the schema (pg_dump --schema-only, normalized to be identical across runs) into one file or one file per object.',
  async run(p, io) {
    const out = flag(p, 'out');
    const split = flag(p, 'split');
    if (!out === !split) throw new PgBackupError('Give either --out FILE or --split DIR.', 'usage');
    if (p.positional.length > 1) throw new PgBackupError(`Unexpected argument "${p.positional[1]}".`, 'usage');
    const opts = schemaSourceOptions(p.positional[0], p, io);
    const result = await exportSchema({
      ...opts,
      layout: out ? { kind: 'file', path: out } : { kind: 'split', dir: split! },
    });
    const changed = result.files.filter((f) => f.status !== 'unchanged');
    const where = out ?? split!;
    if (!changed.length) {
      io.out(`No changes: ${where} already matches the schema of ${describeParams(opts.conn)}.`);
      return EXIT.ok;
    }
    const count = (s: string) => changed.filter((f) => f.status === s).length;
    io.out(
      `Exported the schema of ${describeParams(opts.conn)} to ${where}: ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed.`,
    );
    if (split) for (const f of changed) io.out(`  ${f.status.padEnd(7)} ${f.path}`);
    return EXIT.ok;
  },
});
