import * as assert from 'node:assert/strict';
import { exitCodeFor } from '../../src/cli/command';
import { flag, flags, has, numberFlag, parseFlags, type FlagSpecs } from '../../src/cli/flags';
import { PgBackupError } from '../../src/core/errors';

const SPECS: FlagSpecs = {
  format: { value: 'FORMAT', help: 'f' },
  table: { value: 'T', repeatable: true, help: 't' },
  jobs: { value: 'N', min: 1, help: 'j' },
  json: { help: 'j' },
};
const parse = (...args: string[]) => parseFlags(SPECS, args);

describe('CLI argument parsing', () => {
  it('reads positionals, valued, repeated and boolean flags', () => {
    const p = parse('db', '--format', 'custom', '--table=a', '--table', 'b', '--json', '--jobs', '3', '--', '--x');
    assert.deepEqual(p.positional, ['db', '--x']);
    assert.equal(flag(p, 'format'), 'custom');
    assert.deepEqual(flags(p, 'table'), ['a', 'b']);
    assert.ok(has(p, 'json'));
    assert.equal(numberFlag(p, 'jobs'), 3);
    assert.equal(has(p, 'format') && !has(p, 'jobs-x') && !p.help, true);
    assert.equal(flag(parse('--format', 'a', '--format=b'), 'format'), 'b', 'the last of a repeated flag counts');
    assert.equal(flag(parse('--format='), 'format'), '', 'an empty value is a value');
    assert.ok(parse('x', '-h').help && parse('--help').help);
  });

  it('refuses unknown flags and missing values as usage errors (exit 2)', () => {
    const refused = (args: string[], message: string) =>
      assert.throws(
        () => parse(...args),
        (e: PgBackupError) => e.kind === 'usage' && e.message === message,
      );
    refused(['--nope'], 'Unknown option --nope.');
    refused(['db', '-x'], 'Unknown option -x.');
    refused(['--format'], '--format needs a value.');
    refused(['--json=yes'], '--json takes no value.');
    refused(['--format', '--json'], '--format needs a value, not the option-like "--json" (write --format=--json).');
    refused(['--jobs', '-1'], '--jobs needs a whole number of at least 1, not "-1".');
    refused(['--jobs', '1.5'], '--jobs needs a whole number of at least 1, not "1.5".');
    refused(['--jobs='], '--jobs needs a whole number of at least 1, not "".');
    assert.equal(exitCodeFor(new PgBackupError('x', 'usage')), 2);
    assert.equal(exitCodeFor(new PgBackupError('x', 'unreachable')), 3);
  });
});
