/**
 * The backups at a destination, with the facts of their sidecar objects: one paginated listing of the top level
 * (objects and folders), then the sidecars read in parallel (a bound of 32). A backup without a sidecar is listed
 * with a problem: its copy never finished, or it is not ours.
 */
import { errorMessage } from '../errors';
import { eachAtMost } from './progress';
import { parseRemoteSidecar, SIDECAR_SUFFIX, sidecarKey } from './remote-backup';
import type { S3Access } from './s3-client';
import { openStore, type OffsiteStore, type StoredObject } from './store';
import { isBaseSidecar, type DestinationSpec, type RemoteBackup } from './types';

export interface ListOptions {
  destination: DestinationSpec;
  access?: S3Access;
  signal?: AbortSignal;
  /** Sidecars read at once. */
  concurrency?: number;
  /**
   * Sidecar texts by location and ETag, kept by the caller between listings (a view's refresh): a sidecar whose
   * ETag is unchanged is not read again. Filled by the listing.
   */
  cache?: SidecarCache;
}

export type SidecarCache = Map<string, { etag: string; text: string }>;

/** In-flight and temporary names of our own writes: never backups. */
const IN_FLIGHT = /(\.partial|\.\d+\.tmp)$/;
/** A file named like a dump; a foreign object without a sidecar is listed only then. */
const DUMP_NAME = /\.(dump|backup|custom|pgdump|tar|sql|sql\.gz)$/i;

function fromSidecar(
  store: OffsiteStore,
  name: string,
  text: string,
  data: StoredObject | undefined,
  sidecarObj: StoredObject,
): RemoteBackup {
  const s = parseRemoteSidecar(text, store.locationOf(sidecarKey(name)));
  const common = {
    destination: store.destination,
    name,
    location: store.locationOf(name),
    modified: sidecarObj.modified,
    sha256: s.sha256,
    ...(s.serverVersion ? { serverVersion: s.serverVersion } : {}),
  };
  if (isBaseSidecar(s))
    return { ...common, kind: 'basebackup', sizeBytes: s.bytes, created: new Date(s.started), baseSidecar: s };
  return {
    ...common,
    kind: 'dump',
    format: s.format,
    sizeBytes: data?.size ?? s.bytes,
    created: new Date(s.started),
    database: s.database,
    ...(s.server ? { server: s.server } : {}),
    sidecar: s,
  };
}

export async function listRemoteBackups(o: ListOptions): Promise<RemoteBackup[]> {
  const store = await openStore(o.destination, o.access);
  try {
    const { files, folders } = await store.listTop(o.signal);
    const byName = new Map(files.map((f) => [f.key, f]));
    const sidecars = files.filter((f) => f.key.endsWith(SIDECAR_SUFFIX) && !IN_FLIGHT.test(f.key));
    const names = new Set([
      ...files.filter((f) => !f.key.endsWith(SIDECAR_SUFFIX) && !IN_FLIGHT.test(f.key)).map((f) => f.key),
      ...folders,
      ...sidecars.map((s) => s.key.slice(0, -SIDECAR_SUFFIX.length)),
    ]);
    const out: RemoteBackup[] = [];
    await eachAtMost([...names], o.concurrency ?? 32, async (name) => {
      const data = byName.get(name);
      const sidecarObj = byName.get(sidecarKey(name));
      const base = {
        destination: store.destination,
        name,
        location: store.locationOf(name),
        kind: 'dump' as const,
        sizeBytes: data?.size ?? 0,
        modified: data?.modified ?? sidecarObj?.modified ?? new Date(0),
        created: data?.modified ?? sidecarObj?.modified ?? new Date(0),
      };
      if (!sidecarObj) {
        if (data && !DUMP_NAME.test(name)) return;
        out.push({ ...base, problem: 'no sidecar: the copy did not finish, or it was not made by pg-backup' });
        return;
      }
      try {
        const where = store.locationOf(sidecarKey(name));
        const cached = o.cache?.get(where);
        const text =
          cached && sidecarObj.etag && cached.etag === sidecarObj.etag
            ? cached.text
            : await store.getText(sidecarKey(name), o.signal);
        if (text !== undefined && sidecarObj.etag) o.cache?.set(where, { etag: sidecarObj.etag, text });
        if (text === undefined) throw new Error('its sidecar disappeared while listing');
        const b = fromSidecar(store, name, text, data, sidecarObj);
        const folder = b.kind === 'basebackup' || b.format === 'directory';
        if (folder ? !folders.includes(name) : !data) b.problem = 'the sidecar is there but the backup is not';
        out.push(b);
      } catch (e) {
        out.push({ ...base, problem: errorMessage(e) });
      }
    });
    return out.sort((a, b) => b.created.getTime() - a.created.getTime() || a.name.localeCompare(b.name));
  } finally {
    store.close();
  }
}
