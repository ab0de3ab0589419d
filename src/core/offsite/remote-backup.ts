/**
 * A backup at a destination, read through its sidecar object: which files make it (a single object, or those
 * under `name/`) and the sha256 each must have. The sidecar is written last by a copy, so without one there is
 * no complete backup.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { parseSidecar } from '../dump/sidecar';
import { CancelledError, PgBackupError } from '../errors';
import type { OffsiteStore, StoredObject } from './store';
import { isBaseSidecar, type OffsiteSidecar } from './types';

export const SIDECAR_SUFFIX = '.pgbackup.json';
export const sidecarKey = (name: string) => `${name}${SIDECAR_SUFFIX}`;

export interface RemoteFile {
  /** The path inside the backup ("" for a single-file dump). */
  rel: string;
  key: string;
  /** The sha256 the sidecar records for it. */
  sha256: string;
  /** Its size at the destination; undefined when it is missing there. */
  size?: number;
}

export interface RemoteBackupFiles {
  name: string;
  location: string;
  sidecar: OffsiteSidecar;
  folder: boolean;
  files: RemoteFile[];
  /** Objects under the backup's folder that the sidecar does not name. */
  extra: StoredObject[];
}

/** Parses a sidecar object's text; `where` names it in errors. */
export function parseRemoteSidecar(text: string, where: string): OffsiteSidecar {
  return parseSidecar(text, where) as OffsiteSidecar;
}

export async function readRemoteBackup(
  store: OffsiteStore,
  name: string,
  signal?: AbortSignal,
): Promise<RemoteBackupFiles> {
  const location = store.locationOf(name);
  const text = await store.getText(sidecarKey(name), signal);
  if (text === undefined)
    throw new PgBackupError(
      `${location} has no sidecar (${sidecarKey(name)}): it is not a complete copy, or not a backup.`,
      'input',
    );
  const sidecar = parseRemoteSidecar(text, store.locationOf(sidecarKey(name)));
  const folder = isBaseSidecar(sidecar) || sidecar.format === 'directory';
  if (!folder) {
    const top = (await store.listTop(signal)).files.find((f) => f.key === name);
    const sha = typeof sidecar.sha256 === 'string' ? sidecar.sha256 : '';
    return {
      name,
      location,
      sidecar,
      folder,
      files: [{ rel: '', key: name, sha256: sha, size: top?.size }],
      extra: [],
    };
  }
  const listed = new Map((await store.listUnder(name, signal)).map((o) => [o.key, o]));
  const recorded = typeof sidecar.sha256 === 'string' ? {} : sidecar.sha256.files;
  const files = Object.entries(recorded).map(([rel, sha256]) => {
    const key = `${name}/${rel}`;
    const size = listed.get(key)?.size;
    listed.delete(key);
    return { rel, key, sha256, size };
  });
  return { name, location, sidecar, folder, files, extra: [...listed.values()] };
}

/** A pass-through that hashes what flows through it and counts the bytes. */
export function hashingStream(onBytes?: (n: number) => void): Transform & { sha256(): string } {
  const hash = createHash('sha256');
  let n = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      onBytes?.((n += chunk.length));
      done(null, chunk);
    },
  });
  return Object.assign(t, { sha256: () => hash.digest('hex') });
}

/** Reads a stream to its end, hashing it. */
export async function sha256OfStream(
  body: Readable,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  let n = 0;
  for await (const chunk of body.iterator({ destroyOnReturn: true })) {
    if (signal?.aborted) throw new CancelledError('Reading the copy');
    hash.update(chunk as Buffer);
    onBytes?.((n += (chunk as Buffer).length));
  }
  return hash.digest('hex');
}
