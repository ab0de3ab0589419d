/** The recovery target flags `pitr config`, `repo restore` and `verify <repo>` share: --target and --exclusive. */
import { PgBackupError } from '../core/errors';
import { parseTarget, takesInclusive, type RecoveryTarget } from '../core/pitr/model';
import { flag, has, type FlagSpec, type ParsedArgs } from './flags';

export const TARGET_VALUE = 'time:TS | xid:N | lsn:X/Y | name:LABEL | immediate | latest';
export const TARGET_FLAG: FlagSpec = { value: TARGET_VALUE, required: true, help: 'where recovery stops' };
export const EXCLUSIVE_FLAG: FlagSpec = { help: 'stop just before the target instead of just after it' };

/** --target as a RecoveryTarget (undefined when not given); a usage error names what a target looks like. */
export function targetFlag(p: ParsedArgs): RecoveryTarget | undefined {
  const text = flag(p, 'target');
  if (text === undefined) return undefined;
  const target = parseTarget(text);
  if (!target) throw new PgBackupError(`--target must be ${TARGET_VALUE}, not "${text}".`, 'usage');
  return target;
}

/** False with --exclusive, which only a time, xid or lsn target can take; true (the server's default) otherwise. */
export function inclusiveFlag(p: ParsedArgs, target: RecoveryTarget): boolean {
  if (!has(p, 'exclusive')) return true;
  if (!takesInclusive(target.kind))
    throw new PgBackupError(`--exclusive is for a time, xid or lsn target, not "${target.kind}".`, 'usage');
  return false;
}
