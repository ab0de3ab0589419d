/**
 * One API over both kinds of destination: a folder or an S3 bucket prefix. Keys are "/"-separated names under the
 * destination (`mydb.dump`, `mydb.dump.pgbackup.json`, `base-1/base.tar.gz`). Writes are whole or absent: a file
 * goes to a folder under `.partial` and is renamed; an object is a single PUT or a multipart upload that is
 * aborted when cancelled or failed, so nothing is ever left under its final key.
 */
import type { Readable } from 'node:stream';
import type { DestinationSpec } from './types';
import type { S3Access } from './s3-client';

export interface StoredObject {
  key: string;
  size: number;
  modified: Date;
  /** What changes when the content does: S3's ETag, a file's size and mtime. */
  etag?: string;
}

export interface PutOptions {
  signal?: AbortSignal;
  /** Bytes of this file sent so far. */
  onBytes?: (sent: number) => void;
  /** The file's sha256 (hex), when known: sent with a single PUT for the store to check. */
  sha256?: string;
  /** Multipart part size in bytes (S3; at least 5 MiB) and how many parts go at once. */
  partSize?: number;
  concurrency?: number;
}

export interface PutResult {
  /** The store checked a SHA-256 of what it received (S3 answered with one; a folder was re-read). */
  storeChecked: boolean;
  /** The sha256 (hex) of the bytes read from the file and sent, hashed on the way (no second read). */
  sent: string;
}

export interface OffsiteStore {
  readonly spec: DestinationSpec;
  /** The destination as the user names it (a folder path, `s3://bucket/prefix`). */
  readonly destination: string;
  /** Where `key` is: a path, or `s3://bucket/prefix/key`. */
  locationOf(key: string): string;
  /** The top level: objects (files) and "folders" (a common prefix, a directory) by name. */
  listTop(signal?: AbortSignal): Promise<{ files: StoredObject[]; folders: string[] }>;
  /** Every object under `folder/`, with keys relative to the destination. */
  listUnder(folder: string, signal?: AbortSignal): Promise<StoredObject[]>;
  putFile(key: string, localPath: string, o?: PutOptions): Promise<PutResult>;
  /** A small object (a sidecar), written whole. */
  putText(key: string, text: string, signal?: AbortSignal): Promise<void>;
  /** A small object's text; undefined when it does not exist. */
  getText(key: string, signal?: AbortSignal): Promise<string | undefined>;
  /** The object's bytes, streamed. */
  read(key: string, signal?: AbortSignal): Promise<Readable>;
  /** Removes objects (missing ones are no error). */
  remove(keys: string[], signal?: AbortSignal): Promise<void>;
  /** The multipart uploads begun under `key` and not finished (S3; a folder has none). */
  pendingUploads(key: string): Promise<{ key: string; uploadId: string }[]>;
  close(): void;
}

export async function openStore(spec: DestinationSpec, access: S3Access = {}): Promise<OffsiteStore> {
  if (spec.kind === 'folder') return new (await import('./folder-store')).FolderStore(spec);
  return (await import('./s3-store')).openS3Store(spec, access);
}
