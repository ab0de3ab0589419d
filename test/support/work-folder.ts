/** Fresh folders for what a test or bench writes. */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new folder named `prefix` + random under PGBACKUP_TEST_TMP (else the system temp folder). `mode` opens it to
 * the cluster's OS user (postgres when root): 0o755 to reach a server's folder inside, 0o777 to write into it.
 */
export function workFolder(prefix: string, mode?: number): string {
  const dir = mkdtempSync(join(process.env.PGBACKUP_TEST_TMP ?? tmpdir(), prefix));
  if (mode !== undefined) chmodSync(dir, mode);
  return dir;
}
