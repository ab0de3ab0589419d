import type { DestinationSpec, S3Credentials } from '../../core/offsite/types';
import type { OffsiteDestination } from './destinations';
import type { OffsiteKeys } from './keys';

/** A destination as the core takes it: where (parsed from its settings) and, when the user gave keys, which. */
export interface OffsiteTarget {
  destination: OffsiteDestination;
  spec: DestinationSpec;
  credentials?: S3Credentials;
}

/** `s3://bucket/prefix` with the settings' endpoint, region, path style and profile; anything else is a folder. */
export function destinationSpec(d: OffsiteDestination): DestinationSpec {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(d.url.trim());
  if (!m) return { kind: 'folder', path: d.url };
  return {
    kind: 's3',
    bucket: m[1],
    prefix: m[2].replace(/^\/+|\/+$/g, ''),
    endpoint: d.endpoint || undefined,
    region: d.region || undefined,
    pathStyle: d.pathStyle || undefined,
    profile: d.profile || undefined,
  };
}

export async function offsiteTarget(keys: OffsiteKeys, destination: OffsiteDestination): Promise<OffsiteTarget> {
  const spec = destinationSpec(destination);
  return { destination, spec, credentials: spec.kind === 's3' ? await keys.get(destination.name) : undefined };
}
