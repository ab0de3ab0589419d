import type { BackupEngine, EngineName } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';

/** The core's engine for a repository (loaded with the commands: see lazy.ts). */
export function engineFor(name: EngineName): BackupEngine {
  throw new PgBackupError(`The ${name} engine is not available in this build.`, 'tool-missing');
}
