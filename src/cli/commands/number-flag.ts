import { PgBackupError } from '../../core/errors';
import { flag, type ParsedArgs } from '../command';

/**
 * A flag holding a whole number of at least `min` (--jobs, --keep, --timeout), or undefined when it is not given.
 * An empty value, a fraction or a word is a usage error quoting what was typed.
 */
export function wholeNumberFlag(p: ParsedArgs, name: string, min: number): number | undefined {
  const text = flag(p, name);
  if (text === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new PgBackupError(`--${name} needs a whole number of at least ${min}, not "${text}".`, 'usage');
  }
  return n;
}
