import assert from 'node:assert/strict';
import { classifyDumpFailure, TablePermissionError } from '../../src/core/dump/failure';
import { PgBackupError } from '../../src/core/errors';

const failed = (detail: string) => new PgBackupError('pg_dump failed: something', 'tool-failed', { detail });

describe('pg_dump failures', () => {
  it('name the table pg_dump may not read, schema-qualified as in its LOCK statement', () => {
    const e = classifyDumpFailure(
      failed(
        'pg_dump: error: query failed: ERROR:  permission denied for table b\npg_dump: detail: Query was: LOCK TABLE public.b IN ACCESS SHARE MODE',
      ),
    );
    assert.ok(e instanceof TablePermissionError);
    assert.equal((e as TablePermissionError).table, 'public.b');
    assert.equal(e.kind, 'tool-failed');
    assert.equal(e.message, 'Permission denied for table public.b: the dumping role cannot read it.');
    assert.match(e.hint ?? '', /--exclude-table 'public\.b'/);
  });

  it('keep quoted names usable as an exclude pattern', () => {
    const e = classifyDumpFailure(
      failed(
        'pg_dump: error: Dumping the contents of table "Tëst" failed: PQgetResult() failed.\npg_dump: detail: Error message from server: ERROR:  permission denied for table Tëst\npg_dump: detail: Command was: COPY "Sales"."Tëst" (id) TO stdout;',
      ),
    );
    assert.equal((e as TablePermissionError).table, '"Sales"."Tëst"');
  });

  it('say the disk is full', () => {
    const e = classifyDumpFailure(failed('pg_dump: error: could not write to output file: No space left on device'));
    assert.equal(e.message, 'The disk is full: pg_dump could not write the backup.');
    assert.equal(e.kind, 'io');
  });

  it('say the connection was lost mid-dump', () => {
    const e = classifyDumpFailure(
      failed(
        'pg_dump: error: query failed: server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally',
      ),
    );
    assert.equal(e.message, 'The connection to the server was lost during the dump.');
    assert.equal(e.kind, 'unreachable');
  });

  it('leave any other failure as pg_dump put it', () => {
    const original = failed('pg_dump: error: something else entirely');
    assert.equal(classifyDumpFailure(original), original);
  });
});
