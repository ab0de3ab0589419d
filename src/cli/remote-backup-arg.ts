/**
 * A backup argument that may be remote (`s3://bucket/prefix/name`): inspect, verify and restore fetch it into a
 * private temp folder, checked against its sidecar's sha256 (a mismatch is exit 1, naming both sums), run on that,
 * and remove it after (also on cancel or failure).
 */
import { resolve } from 'node:path';
import { isS3Url } from '../core/offsite/destination';
import { formatBytes } from '../core/format';
import type { CliIo } from './command';
import type { ParsedArgs } from './flags';
import { s3Options } from './s3-flags';

export async function withBackupArg<T>(
  arg: string,
  p: ParsedArgs,
  io: CliIo,
  use: (path: string) => Promise<T>,
): Promise<T> {
  if (!isS3Url(arg)) return use(resolve(arg));
  const { withFetchedBackup } = await import('../core/offsite/fetch');
  return withFetchedBackup(
    {
      location: arg,
      s3: s3Options(p),
      signal: io.signal,
      onCleanup: io.cleanup,
      onProgress: (percent, bytes, total) =>
        io.progress(`Download ${percent}% (${formatBytes(bytes)} of ${formatBytes(total)})`),
    },
    (b) => use(b.path),
  );
}
