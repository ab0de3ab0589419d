/**
 * Verify Off-site Copy: read a copy back (streamed, never stored) and compare it with its sidecar's sha256. A
 * mismatch is a result, not an error (the CLI's exit 1, naming both sums); a local backup's sidecar records it.
 */
import { errorMessage, PgBackupError } from '../errors';
import { recordCopy } from './local-backup';
import { byteProgress, eachAtMost } from './progress';
import { readRemoteBackup, sha256OfStream } from './remote-backup';
import type { S3Access } from './s3-client';
import { openStore } from './store';
import type { CopyCheck, CopyProgress, DestinationSpec } from './types';

export interface VerifyCopyOptions {
  destination: DestinationSpec;
  /** The backup's name at the destination. */
  name: string;
  access?: S3Access;
  signal?: AbortSignal;
  onProgress?: CopyProgress;
  /** The local backup this is a copy of: its sidecar's record of the copy gets the verdict. */
  localBackup?: string;
}

export async function verifyCopy(o: VerifyCopyOptions): Promise<CopyCheck> {
  const started = Date.now();
  const store = await openStore(o.destination, o.access);
  try {
    const remote = await readRemoteBackup(store, o.name, o.signal);
    const total = remote.files.reduce((a, f) => a + (f.size ?? 0), 0);
    const progress = byteProgress(total, o.onProgress);
    const actual: Record<string, string> = {};
    await eachAtMost(
      remote.files.filter((f) => f.size !== undefined),
      4,
      async (f) => {
        const body = await store.read(f.key, o.signal);
        actual[f.rel] = await sha256OfStream(body, (n) => progress(f.key, n), o.signal);
      },
    );
    const changed = remote.files.filter((f) => f.rel in actual && actual[f.rel] !== f.sha256).map((f) => f.rel);
    const missing = remote.files.filter((f) => f.size === undefined).map((f) => f.rel || remote.name);
    const added = remote.extra.map((x) => x.key.slice(remote.name.length + 1));
    const ok = !changed.length && !missing.length && !added.length;
    const check: CopyCheck = {
      location: remote.location,
      ok,
      expected: remote.sidecar.sha256,
      actual: remote.folder ? { files: actual } : (actual[''] ?? ''),
      changed,
      missing,
      added,
      bytes: total,
      durationMs: Date.now() - started,
    };
    if (o.localBackup) {
      const at = new Date().toISOString();
      await recordCopy(
        o.localBackup,
        undefined,
        (old) => ({
          destination: store.destination,
          location: remote.location,
          copiedAt: old?.copiedAt ?? at,
          verified: { at, ok },
        }),
        remote.location,
      ).catch((e: unknown) => {
        throw new PgBackupError(
          `The copy was read back (${ok ? 'it matches' : 'it differs'}), but the local sidecar could not record it.`,
          'io',
          { detail: errorMessage(e) },
        );
      });
    }
    return check;
  } finally {
    store.close();
  }
}

/** One line per difference, naming both sums: for the CLI and the extension's message. */
export function describeCheck(c: CopyCheck): string[] {
  if (c.ok) return [`${c.location}: the copy matches its sidecar's sha256.`];
  const sum = (v: CopyCheck['expected'], rel: string) => (typeof v === 'string' ? v : (v.files[rel] ?? '?'));
  return [
    ...c.changed.map(
      (rel) =>
        `${rel ? `${c.location}/${rel}` : c.location}: sha256 mismatch: the sidecar says ${sum(c.expected, rel)}, the copy is ${sum(c.actual, rel)}.`,
    ),
    ...c.missing.map((rel) => `${c.location}: ${rel} is missing from the copy.`),
    ...c.added.map((rel) => `${c.location}: ${rel} is in the copy but not in its sidecar.`),
  ];
}
