import { parseDestination } from '../../core/offsite/destination';
import type { S3Access } from '../../core/offsite/s3-client';
import type { DestinationSpec } from '../../core/offsite/types';
import type { OffsiteDestination } from './destinations';
import type { OffsiteKeys } from './keys';

/** A destination as the core takes it: where (parsed from its settings) and, when the user gave keys, which. */
export interface OffsiteTarget {
  destination: OffsiteDestination;
  spec: DestinationSpec;
  access: S3Access;
}

/** The settings' URL with their endpoint, region, path style and profile (a usage error when it is not valid). */
export function destinationSpec(d: OffsiteDestination): DestinationSpec {
  const { endpoint, region, pathStyle, profile } = d;
  return parseDestination(d.url, {
    endpoint: endpoint || undefined,
    region: region || undefined,
    pathStyle,
    profile: profile || undefined,
  });
}

export async function offsiteTarget(keys: OffsiteKeys, destination: OffsiteDestination): Promise<OffsiteTarget> {
  const spec = destinationSpec(destination);
  const credentials = spec.kind === 's3' ? await keys.get(destination.name) : undefined;
  return { destination, spec, access: credentials ? { credentials } : {} };
}
