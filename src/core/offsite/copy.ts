/**
 * Copy Off-site: a local backup (any dump format, a base backup) and its sidecar to a folder or a bucket. The
 * files go first, in parallel, each checked by the store where it can (a SHA-256 sent with it) and checked by us
 * against the sidecar's sha256 in any case (hashed while it is sent); the sidecar object goes last, so a backup
 * listed with a sidecar is complete. A cancelled or failed copy removes what it sent. The local sidecar records
 * the copy.
 */
import { join } from 'node:path';
import { sidecarPath } from '../dump/naming';
import { CancelledError, PgBackupError, type CleanupLog } from '../errors';
import { expectedSha, describeLocalBackup, recordCopy, travellingSidecar, type LocalBackup } from './local-backup';
import type { S3Access } from './s3-client';
import { eachAtMost, byteProgress } from './progress';
import { sidecarKey } from './remote-backup';
import { openStore, type OffsiteStore } from './store';
import { isBaseSidecar, type CopyProgress, type CopyResult, type DestinationSpec } from './types';

export interface CopyOptions {
  /** The local backup: a dump file, a directory dump or a base backup folder. */
  backup: string;
  destination: DestinationSpec;
  access?: S3Access;
  signal?: AbortSignal;
  onProgress?: CopyProgress;
  onCleanup?: CleanupLog;
  /** S3 multipart part size and parallel parts (defaults in s3-store.ts). */
  partSize?: number;
  concurrency?: number;
}

/** Files of a folder backup sent at once (a directory dump has one per table). */
const FILES_AT_ONCE = 4;

/** The key of a backup's file at the destination: `name` or `name/rel`. */
export const fileKey = (b: { name: string; folder: boolean }, rel: string) => (b.folder ? `${b.name}/${rel}` : b.name);

/** Sends every file of the backup; returns whether the store checked each one. */
async function sendFiles(local: LocalBackup, store: OffsiteStore, o: CopyOptions, sent: string[]): Promise<boolean> {
  const progress = byteProgress(local.bytes, o.onProgress);
  let checked = true;
  await eachAtMost(local.files, FILES_AT_ONCE, async (f) => {
    if (o.signal?.aborted) throw new CancelledError('The copy');
    const path = f.rel ? join(local.path, f.rel) : local.path;
    const want = expectedSha(local.sidecar, f.rel);
    if (!want) throw new PgBackupError(`${path} is not in its sidecar's sha256: the backup changed.`, 'input');
    const key = fileKey(local, f.rel);
    sent.push(key);
    const put = await store.putFile(key, path, {
      signal: o.signal,
      sha256: want,
      partSize: o.partSize,
      concurrency: o.concurrency,
      onBytes: (n) => progress(key, n),
    });
    // Our own check, whatever the store does: what was read and sent must be the file the sidecar describes.
    const actual = put.sent;
    if (actual !== want)
      throw new PgBackupError(
        `${path} no longer matches its sidecar: sha256 ${want} recorded, ${actual} now. It was not copied.`,
        'input',
        { hint: 'Verify the backup (Verify Checksum); take a new one if it changed.' },
      );
    progress(key, f.size);
    checked &&= put.storeChecked;
  });
  return checked;
}

export async function copyBackup(o: CopyOptions): Promise<CopyResult> {
  const started = Date.now();
  const local = await describeLocalBackup(o.backup);
  const store = await openStore(o.destination, o.access);
  const sent: string[] = [];
  try {
    if ((await store.getText(sidecarKey(local.name), o.signal)) !== undefined)
      throw new PgBackupError(`${store.locationOf(local.name)} already exists: a copy is never overwritten.`, 'input', {
        hint: 'Verify it (pg-backup copy --verify-only), or remove it first.',
      });
    o.onProgress?.(0, 0, local.bytes);
    let storeChecked: boolean;
    try {
      storeChecked = await sendFiles(local, store, o, sent);
      if (o.signal?.aborted) throw new CancelledError('The copy');
      await store.putText(
        sidecarKey(local.name),
        JSON.stringify(travellingSidecar(local.sidecar), null, 2) + '\n',
        o.signal,
      );
    } catch (e) {
      await store.remove(sent).then(
        () => sent.length && o.onCleanup?.(`removed the ${sent.length} object(s) sent to ${store.destination}`),
        () => o.onCleanup?.(`could not remove what was sent to ${store.destination}: ${sent.join(', ')}`),
      );
      throw o.signal?.aborted ? new CancelledError('The copy') : e;
    }
    const location = store.locationOf(local.name);
    await recordCopy(
      local.path,
      isBaseSidecar(local.sidecar) ? local.sidecar : undefined,
      () => ({ destination: store.destination, location, copiedAt: new Date().toISOString() }),
      location,
    ).catch((e: unknown) => {
      throw new PgBackupError(`The copy is complete, but ${sidecarPath(local.path)} could not record it.`, 'io', {
        detail: (e as Error).message,
      });
    });
    return {
      destination: store.destination,
      location,
      bytes: local.bytes,
      durationMs: Date.now() - started,
      storeChecked,
      sha256: local.sidecar.sha256,
      kind: local.kind,
      files: local.files.length,
    };
  } finally {
    store.close();
  }
}
