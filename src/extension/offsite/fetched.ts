/**
 * Inspect, Verify, Run Restore Drill and Restore on a remote backup: the core fetches it into a private temporary
 * folder (its sha256 checked first), the command's own UI or headless part runs on that path, and the folder is
 * removed after, whatever happened.
 */
import { dirname } from 'node:path';
import { scanBackups } from '../../core/backups/catalog';
import { PgBackupError } from '../../core/errors';
import type { Ctx } from '../context';
import type { BackupNode } from '../tree/backups-tree';
import type { OffsiteArgs, RemoteBackupNode } from '../tree/offsite-nodes';
import { withCancellableProgress } from '../ui/progress';
import { fetchRemote } from './core';
import { offsiteDestination, type OffsiteDestination } from './destinations';
import { OffsiteKeys } from './keys';
import { offsiteTarget } from './target';

async function withFetched<T>(
  ctx: Ctx,
  d: OffsiteDestination,
  location: string,
  run: (path: string) => Promise<T>,
): Promise<T> {
  const target = await offsiteTarget(new OffsiteKeys(ctx.extension.secrets), d);
  const name = location.replace(/\/+$/, '').split('/').pop();
  const fetched = await withCancellableProgress(`Downloading ${name} from ${d.name}`, (p) =>
    fetchRemote(location, target, p),
  );
  ctx.log.info(`Fetched ${location} into ${fetched.path} (sha256 checked); removed when the command ends.`);
  try {
    return await run(fetched.path);
  } finally {
    await fetched.dispose();
  }
}

/** A tree node's remote backup, fetched and given to the command's UI part as a local backup node. */
export function withFetchedBackup(ctx: Ctx, node: RemoteBackupNode, run: (n: BackupNode) => unknown) {
  return withFetched(ctx, node.destination, node.remote.location, async (path) => {
    const { backups } = await scanBackups([dirname(path)]);
    const entry = backups.find((b) => b.path === path);
    if (!entry) throw new PgBackupError(`${node.remote.location} was fetched but is not a backup.`, 'input');
    return run({ kind: 'backup', entry });
  });
}

/** A headless call's remote backup (`path` its location), fetched: the command's headless part gets the local path. */
export function withFetchedArgs(ctx: Ctx, args: OffsiteArgs, run: (args: { path: string }) => unknown) {
  const { offsiteDestination: name, ...rest } = args;
  return withFetched(ctx, offsiteDestination(name), args.path, async (path) => run({ ...rest, path }));
}
