import assert from 'node:assert/strict';
import { DUMP_FLAGS, optionsFromArgs } from '../../src/cli/commands/dump';
import { parseFlags } from '../../src/cli/flags';

const options = (...args: string[]) => optionsFromArgs(parseFlags(DUMP_FLAGS, args));

describe('pg-backup dump options from the command line', () => {
  it('maps every flag to a dump option', () => {
    assert.deepEqual(
      options(
        '--format',
        'directory',
        '--jobs',
        '3',
        '--compress',
        'gzip:2',
        '--schema',
        'a',
        '--schema=b',
        '--exclude-schema',
        'c',
        '--table',
        't',
        '--exclude-table',
        'u',
        '--exclude-table-data',
        'v',
        '--no-owner',
        '--no-privileges',
        '--data-only',
      ),
      {
        format: 'directory',
        jobs: 3,
        compression: { method: 'gzip', level: 2 },
        schemas: ['a', 'b'],
        excludeSchemas: ['c'],
        tables: ['t'],
        excludeTables: ['u'],
        excludeTableData: ['v'],
        noOwner: true,
        noPrivileges: true,
        dataOnly: true,
      },
    );
  });

  it('starts from a preset; the staging preset takes its tables from --exclude-table-data, once', () => {
    assert.deepEqual(options('--preset', 'staging', '--exclude-table-data', 'public.customers'), {
      format: 'custom',
      excludeTableData: ['public.customers'],
      noOwner: true,
      noPrivileges: true,
    });
    assert.deepEqual(options('--preset', 'Full (custom)', '--format', 'tar'), { format: 'tar' });
  });

  it('refuses an unknown format and a job count that is not a positive whole number', () => {
    assert.throws(() => options('--format', 'zip'), /Unknown format "zip"/);
    assert.throws(() => options('--format', 'directory', '--jobs', 'many'), /--jobs needs a whole number/);
  });
});
