import * as assert from 'node:assert/strict';
import { exitCodeFor, flag, flags, has, parseArgs } from '../../src/cli/command';
import { PgBackupError } from '../../src/core/errors';

describe('CLI argument parsing', () => {
  it('reads positionals, valued, repeated and boolean flags', () => {
    const p = parseArgs(['db', '--format', 'custom', '--table=a', '--table', 'b', '--json'], ['format', 'table'], ['json']);
    assert.deepEqual(p.positional, ['db']);
    assert.equal(flag(p, 'format'), 'custom');
    assert.deepEqual(flags(p, 'table'), ['a', 'b']);
    assert.ok(has(p, 'json'));
  });

  it('refuses unknown flags and missing values as usage errors (exit 2)', () => {
    assert.throws(() => parseArgs(['--nope'], [], []), /Unknown option --nope/);
    assert.throws(() => parseArgs(['--format'], ['format'], []), /--format needs a value/);
    assert.equal(exitCodeFor(new PgBackupError('x', 'usage')), 2);
    assert.equal(exitCodeFor(new PgBackupError('x', 'unreachable')), 3);
  });
});
