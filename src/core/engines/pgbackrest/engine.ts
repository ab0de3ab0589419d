/** pgBackRest behind the BackupEngine interface: each call runs pgbackrest as the repository's owner. */
import type { BackupEngine } from '../types';
import { backupPgbackrest } from './backup';
import { discoverPgbackrest } from './discover';
import { readPgbackrestInfo } from './info';
import { expirePgbackrest, verifyPgbackrest } from './maintenance';
import { pgbackrestRestoreArgv, restorePgbackrest } from './restore';

export const pgbackrestEngine: BackupEngine = {
  name: 'pgbackrest',
  discover: () => discoverPgbackrest(),
  info: readPgbackrestInfo,
  backup: backupPgbackrest,
  verify: verifyPgbackrest,
  expire: expirePgbackrest,
  restore: restorePgbackrest,
  restoreArgv: pgbackrestRestoreArgv,
};
