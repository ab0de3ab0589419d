import { PgBackupError } from '../../core/errors';

/**
 * The value of a flag holding a whole number of at least `min` (--jobs, --keep, --timeout). An empty value, a
 * fraction or a word is a usage error quoting what was typed.
 */
export function parseWholeNumber(name: string, text: string, min: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new PgBackupError(`--${name} needs a whole number of at least ${min}, not "${text}".`, 'usage');
  }
  return n;
}
