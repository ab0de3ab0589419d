/**
 * The flags of an S3 destination or backup, shared by copy, list, inspect, verify and restore. Keys are never
 * flags: the AWS SDK's chain (AWS_* variables, shared files, profiles) supplies them.
 */
import type { S3Options } from '../core/offsite/destination';
import { flag, has, type FlagSpecs, type ParsedArgs } from './flags';

export const S3_FLAGS: FlagSpecs = {
  endpoint: { value: 'URL', help: 'S3-compatible endpoint (MinIO, R2, B2…); default AWS_ENDPOINT_URL, else AWS' },
  region: { value: 'R', help: 'the bucket region (default AWS_REGION, else the profile’s)' },
  'path-style': { help: 'address the bucket as endpoint/bucket (MinIO and most local servers need it)' },
  profile: { value: 'P', help: 'the shared-config profile to take credentials from (default AWS_PROFILE)' },
};

export function s3Options(p: ParsedArgs): S3Options {
  const o: S3Options = {};
  const endpoint = flag(p, 'endpoint');
  const region = flag(p, 'region');
  const profile = flag(p, 'profile');
  if (endpoint !== undefined) o.endpoint = endpoint;
  if (region !== undefined) o.region = region;
  if (profile !== undefined) o.profile = profile;
  if (has(p, 'path-style')) o.pathStyle = true;
  return o;
}
