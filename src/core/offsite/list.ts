/**
 * The backups at a destination, with the facts of their sidecar objects: one paginated listing of the top level
 * (objects and folders), then the sidecars read in parallel (a bound of 32). A backup without a sidecar is listed
 * with a problem: its copy never finished, or it is not ours.
 *
 * A bucket also holds `.pgbackup-index.json`: the sidecars' texts by ETag as the last listing saw them. It is only
 * a cache — a sidecar is taken from it when the listing shows the same ETag, else read — so a stale, missing or
 * foreign index costs reads, never a wrong answer. `pg-backup list` and the Backups view write it again when they had
 * to read sidecars (without write permission they just read); prune, even a dry run, leaves it be. 1,000 backups: one listing and one GET instead of 1,001 requests.
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
  /** Write the bucket's index again when this listing had to read sidecars (`list`, the Backups view; not a dry run). */
  saveIndex?: boolean;
}

export type SidecarCache = Map<string, { etag: string; text: string }>;

/** The index object at a bucket destination (a hidden name: never listed as a backup). */
export const INDEX_KEY = '.pgbackup-index.json';

interface IndexFile {
  tool: 'pg-backup';
  /** Sidecar texts by the sidecar's key. */
  sidecars: Record<string, { etag: string; text: string }>;
}

/** The index's entries as a cache by location; nothing when it is missing or not ours. */
async function readIndex(store: OffsiteStore, signal?: AbortSignal): Promise<SidecarCache> {
  const cache: SidecarCache = new Map();
  const text = await store.getText(INDEX_KEY, signal).catch(() => undefined);
  if (text === undefined) return cache;
  try {
    const index = JSON.parse(text) as IndexFile;
    if (index?.tool !== 'pg-backup' || typeof index.sidecars !== 'object') return cache;
    for (const [key, v] of Object.entries(index.sidecars))
      if (typeof v?.etag === 'string' && typeof v.text === 'string') cache.set(store.locationOf(key), v);
  } catch {
    // Not JSON: read every sidecar, and the listing writes a good index.
  }
  return cache;
}

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
    const useIndex = store.spec.kind === 's3';
    const [{ files, folders }, index] = await Promise.all([
      store.listTop(o.signal),
      useIndex ? readIndex(store, o.signal) : (new Map() as SidecarCache),
    ]);
    const seen: IndexFile['sidecars'] = {};
    let reads = 0;
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
        const cached = [o.cache?.get(where), index.get(where)].find((c) => c && c.etag === sidecarObj.etag);
        const text =
          cached && sidecarObj.etag ? cached.text : (reads++, await store.getText(sidecarKey(name), o.signal));
        if (text !== undefined && sidecarObj.etag) {
          o.cache?.set(where, { etag: sidecarObj.etag, text });
          seen[sidecarKey(name)] = { etag: sidecarObj.etag, text };
        }
        if (text === undefined) throw new Error('its sidecar disappeared while listing');
        const b = fromSidecar(store, name, text, data, sidecarObj);
        const folder = b.kind === 'basebackup' || b.format === 'directory';
        if (folder ? !folders.includes(name) : !data) b.problem = 'the sidecar is there but the backup is not';
        out.push(b);
      } catch (e) {
        out.push({ ...base, problem: errorMessage(e) });
      }
    });
    if (useIndex && o.saveIndex && (reads > 0 || Object.keys(seen).length !== index.size)) {
      const text = JSON.stringify({ tool: 'pg-backup', sidecars: seen } satisfies IndexFile);
      await store.putText(INDEX_KEY, text, o.signal).catch(() => undefined);
    }
    return out.sort((a, b) => b.created.getTime() - a.created.getTime() || a.name.localeCompare(b.name));
  } finally {
    store.close();
  }
}
