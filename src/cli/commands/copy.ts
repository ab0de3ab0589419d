import { basename, resolve } from 'node:path';
import { parseDestination, parseRemoteLocation } from '../../core/offsite/destination';
import type { CopyCheck, CopyResult } from '../../core/offsite/types';
import { PgBackupError } from '../../core/errors';
import { formatBytes, formatDuration } from '../../core/format';
import { defineCommand, EXIT, type CliIo } from '../command';
import { has, numberFlag, type ParsedArgs } from '../flags';
import { S3_FLAGS, s3Options } from '../s3-flags';

function printCopy(io: CliIo, r: CopyResult, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(r, null, 2));
    return;
  }
  const rate = r.durationMs ? ` (${formatBytes((r.bytes / r.durationMs) * 1000)}/s)` : '';
  io.out(
    [
      `Copied to ${r.location}: ${formatBytes(r.bytes)} in ${r.files} file(s), ${formatDuration(r.durationMs)}${rate}.`,
      `  sha256:  ${typeof r.sha256 === 'string' ? r.sha256 : `${Object.keys(r.sha256.files).length} files`} (matched while sent)`,
      r.storeChecked
        ? '  store:   checked the SHA-256 of everything it received'
        : `  store:   did not confirm a checksum; read the copy back with: pg-backup copy --verify-only ${r.location}`,
    ].join('\n'),
  );
}

function printCheck(io: CliIo, c: CopyCheck, json: boolean, lines: string[]): void {
  if (json) io.out(JSON.stringify(c, null, 2));
  else io.out([...lines, `  read back ${formatBytes(c.bytes)} in ${formatDuration(c.durationMs)}`].join('\n'));
}

async function verifyOnly(p: ParsedArgs, io: CliIo): Promise<number> {
  const [first, second] = p.positional;
  // `<location>`, or `<backup> <dest>`: the copy of a local backup there, its verdict recorded in its sidecar.
  const local = second === undefined ? undefined : resolve(first);
  const { destination, name } =
    second === undefined
      ? parseRemoteLocation(first, s3Options(p))
      : { destination: parseDestination(second, s3Options(p)), name: basename(local!) };
  const { verifyCopy, describeCheck } = await import('../../core/offsite/verify-copy');
  const check = await verifyCopy({
    destination,
    name,
    signal: io.signal,
    onProgress: (percent) => io.progress(`Read back ${percent}%`),
    ...(local ? { localBackup: local } : {}),
  });
  printCheck(io, check, has(p, 'json'), describeCheck(check));
  return check.ok ? EXIT.ok : EXIT.difference;
}

export const copyCommand = defineCommand({
  name: 'copy',
  args: '<backup> <dest>',
  flags: {
    ...S3_FLAGS,
    'part-size': { value: 'MiB', min: 5, help: 'multipart part size in MiB (default 16)' },
    concurrency: { value: 'N', min: 1, help: 'parts uploaded at once (default 4)' },
    'verify-only': {
      help: 'copy nothing: read the copy back and compare it with its sidecar (<location>, or <backup> <dest>)',
    },
    json: { help: 'print the result as JSON' },
  },
  summary:
    'Copy a backup (any dump, a base backup) and its sidecar to a folder or s3://bucket/prefix, checked by sha256.',
  async run(p, io) {
    if (has(p, 'verify-only')) {
      if (p.positional.length < 1 || p.positional.length > 2)
        throw new PgBackupError(
          'Name the copy: pg-backup copy --verify-only <location> (or <backup> <dest>).',
          'usage',
        );
      return verifyOnly(p, io);
    }
    if (p.positional.length !== 2)
      throw new PgBackupError('Name the backup and the destination: pg-backup copy <backup> <dest>.', 'usage');
    const destination = parseDestination(p.positional[1], s3Options(p));
    const partMiB = numberFlag(p, 'part-size');
    const concurrency = numberFlag(p, 'concurrency');
    const { copyBackup } = await import('../../core/offsite/copy');
    const result = await copyBackup({
      backup: resolve(p.positional[0]),
      destination,
      signal: io.signal,
      onCleanup: io.cleanup,
      onProgress: (percent, bytes, total) =>
        io.progress(`Copy ${percent}% (${formatBytes(bytes)} of ${formatBytes(total)})`),
      ...(partMiB !== undefined ? { partSize: partMiB << 20 } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
    });
    printCopy(io, result, has(p, 'json'));
    return EXIT.ok;
  },
});
