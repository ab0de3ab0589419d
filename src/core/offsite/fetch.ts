/**
 * A remote backup brought back for inspect, verify (the drill) and restore: downloaded into a private temporary
 * folder (0700) with its sidecar, each file's sha256 checked against the sidecar before anything reads it, and
 * removed after — also when the caller fails or is cancelled (`withFetchedBackup`).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomic } from '../atomic-write';
import { sidecarPath } from '../dump/naming';
import { CancelledError, PgBackupError, type CleanupLog } from '../errors';
import { parseRemoteLocation, type S3Options } from './destination';
import { byteProgress, eachAtMost } from './progress';
import { hashingStream, readRemoteBackup } from './remote-backup';
import type { S3Access } from './s3-client';
import { openStore } from './store';
import type { CopyProgress, OffsiteSidecar } from './types';

export interface FetchOptions {
  /** `s3://bucket/prefix/name` (or a folder copy's path). */
  location: string;
  s3?: S3Options;
  access?: S3Access;
  signal?: AbortSignal;
  onProgress?: CopyProgress;
  onCleanup?: CleanupLog;
}

export interface FetchedBackup {
  /** The local copy: a file or a folder, with its sidecar next to it. */
  path: string;
  sidecar: OffsiteSidecar;
  /** The private folder it is in. */
  folder: string;
  /** Removes the folder. */
  dispose(): Promise<void>;
}

/** The error for a downloaded file whose sha256 is not its sidecar's: both sums named. */
export class ChecksumMismatchError extends PgBackupError {
  constructor(
    readonly location: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${location}: sha256 mismatch: the sidecar says ${expected}, the download is ${actual}.`, 'mismatch', {
      hint: 'The copy is damaged: verify it, and copy the backup again.',
    });
    this.name = 'ChecksumMismatchError';
  }
}

export async function fetchRemoteBackup(o: FetchOptions): Promise<FetchedBackup> {
  const { destination, name } = parseRemoteLocation(o.location, o.s3);
  const store = await openStore(destination, o.access);
  const folder = await mkdtemp(join(tmpdir(), 'pg-backup-fetch-'));
  const dispose = () => rm(folder, { recursive: true, force: true });
  try {
    const remote = await readRemoteBackup(store, name, o.signal);
    const missing = remote.files.find((f) => f.size === undefined);
    if (missing)
      throw new PgBackupError(`${remote.location}: ${missing.rel || name} is missing from the copy.`, 'input');
    const path = join(folder, name);
    const total = remote.files.reduce((a, f) => a + (f.size ?? 0), 0);
    const progress = byteProgress(total, o.onProgress);
    await eachAtMost(remote.files, 4, async (f) => {
      const target = f.rel ? join(path, ...f.rel.split('/')) : path;
      await mkdir(dirname(target), { recursive: true });
      const hash = hashingStream((n) => progress(f.key, n));
      await pipeline(await store.read(f.key, o.signal), hash, createWriteStream(target, { mode: 0o600 }), {
        signal: o.signal,
      });
      const actual = hash.sha256();
      if (actual !== f.sha256)
        throw new ChecksumMismatchError(f.rel ? `${remote.location}/${f.rel}` : remote.location, f.sha256, actual);
    });
    await writeFileAtomic(sidecarPath(path), JSON.stringify(remote.sidecar, null, 2) + '\n', 0o600);
    return { path, sidecar: remote.sidecar, folder, dispose };
  } catch (e) {
    await dispose();
    o.onCleanup?.(`removed the download folder ${folder}`);
    if (o.signal?.aborted) throw new CancelledError('The download');
    throw e;
  } finally {
    store.close();
  }
}

/** Fetches, runs `use` on the local copy, and removes the copy whatever happens. */
export async function withFetchedBackup<T>(o: FetchOptions, use: (b: FetchedBackup) => Promise<T>): Promise<T> {
  const fetched = await fetchRemoteBackup(o);
  try {
    return await use(fetched);
  } finally {
    await fetched.dispose();
  }
}
