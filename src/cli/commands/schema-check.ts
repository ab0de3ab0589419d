import { stat } from 'node:fs/promises';
import { describeParams } from '../../core/connection/profile';
import { PgBackupError } from '../../core/errors';
import { checkSchema, type SchemaLayout } from '../../core/schema';
import { defineCommand, EXIT } from '../command';
import { SCHEMA_SOURCE_FLAGS, schemaSourceOptions } from './schema-export';

/** A folder is a split export, a file a single-file export. */
async function layoutAt(path: string): Promise<SchemaLayout> {
  const s = await stat(path).catch(() => undefined);
  if (!s)
    throw new PgBackupError(`${path} does not exist.`, 'input', {
      hint: 'Export the schema first: pg-backup schema export <conn> --out FILE | --split DIR.',
    });
  return s.isDirectory() ? { kind: 'split', dir: path } : { kind: 'file', path };
}

export const schemaCheckCommand = defineCommand({
  name: 'schema check',
  args: '<conn> FILE|DIR',
  flags: SCHEMA_SOURCE_FLAGS,
  summary: 'Compare the live schema with a committed export; exit 1 and print a unified diff when it drifted.',
  async run(p, io) {
    if (p.positional.length !== 2)
      throw new PgBackupError('Give a connection and the committed schema file or folder.', 'usage');
    const opts = schemaSourceOptions(p.positional[0], p, io);
    const where = p.positional[1];
    const result = await checkSchema({ ...opts, layout: await layoutAt(where) });
    if (!result.drifted) {
      io.out(`No drift: ${where} matches the schema of ${describeParams(opts.conn)}.`);
      return EXIT.ok;
    }
    io.out(result.diff.replace(/\n$/, ''));
    const n = result.files.length;
    io.err(
      `Schema drift: ${n} file${n === 1 ? '' : 's'} in ${where} differ${n === 1 ? 's' : ''} from ${describeParams(opts.conn)}. Run pg-backup schema export and commit the result.`,
    );
    return EXIT.difference;
  },
});
