/**
 * Destinations as users write them: a folder path, or `s3://bucket/prefix` with endpoint, region and path-style
 * given apart (flags, settings). A remote backup's location is its destination plus its name.
 */
import { basename, dirname, resolve } from 'node:path';
import { PgBackupError } from '../errors';
import type { DestinationSpec } from './types';

export interface S3Options {
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  profile?: string;
}

export const isS3Url = (text: string): boolean => /^s3:\/\//i.test(text);

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` (prefix without leading or trailing "/") or a folder (made absolute). */
export function parseDestination(text: string, s3: S3Options = {}): DestinationSpec {
  if (!isS3Url(text)) {
    if (!text.trim())
      throw new PgBackupError('The destination is empty: give a folder or s3://bucket/prefix.', 'usage');
    return { kind: 'folder', path: resolve(text) };
  }
  const rest = text.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
  if (!BUCKET.test(bucket))
    throw new PgBackupError(
      `"${bucket}" in ${text} is not a bucket name (3–63 characters: a-z, 0-9, "." and "-").`,
      'usage',
    );
  if (s3.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(s3.endpoint);
    } catch {
      throw new PgBackupError(`The endpoint "${s3.endpoint}" is not a URL (e.g. https://s3.example.com).`, 'usage');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new PgBackupError(`The endpoint "${s3.endpoint}" must start with http:// or https://.`, 'usage');
    if (url.username || url.password)
      throw new PgBackupError(
        'The endpoint must not contain credentials: use the AWS_* variables or a profile.',
        'usage',
      );
  }
  return {
    kind: 's3',
    bucket,
    prefix,
    ...(s3.endpoint !== undefined ? { endpoint: s3.endpoint } : {}),
    ...(s3.region !== undefined ? { region: s3.region } : {}),
    ...(s3.pathStyle ? { pathStyle: true } : {}),
    ...(s3.profile !== undefined ? { profile: s3.profile } : {}),
  };
}

/** The destination as the user names it: a folder path or `s3://bucket/prefix`. */
export function describeDestination(d: DestinationSpec): string {
  if (d.kind === 'folder') return d.path;
  return `s3://${d.bucket}${d.prefix ? `/${d.prefix}` : ''}`;
}

/** The key of `name` (a backup, its sidecar, a file in it: "/" separated) under an S3 destination's prefix. */
export const keyUnder = (d: { prefix: string }, name: string): string => (d.prefix ? `${d.prefix}/${name}` : name);

/** Where `name` at the destination is: what inspect, verify and restore accept. */
export function locationOf(d: DestinationSpec, name: string): string {
  return d.kind === 'folder' ? resolve(d.path, name) : `s3://${d.bucket}/${keyUnder(d, name)}`;
}

/** A remote backup's location split into its destination and its name (the last part of the path). */
export function parseRemoteLocation(text: string, s3: S3Options = {}): { destination: DestinationSpec; name: string } {
  if (!isS3Url(text)) {
    const path = resolve(text);
    return { destination: { kind: 'folder', path: dirname(path) }, name: basename(path) };
  }
  const trimmed = text.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  const name = trimmed.slice(cut + 1);
  if (cut < 's3://'.length || !name)
    throw new PgBackupError(`${text} names a bucket, not a backup in it (s3://bucket/prefix/name).`, 'usage');
  return { destination: parseDestination(trimmed.slice(0, cut), s3), name };
}
