/** A folder destination (another disk, a mounted share): files under `.partial`, renamed, then re-read. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeError, writeFileAtomic } from '../atomic-write';
import { sha256File } from '../dump/checksum';
import { CancelledError, PgBackupError } from '../errors';
import { hashingStream } from './remote-backup';
import type { OffsiteStore, PutOptions, PutResult, StoredObject } from './store';
import type { DestinationSpec } from './types';

type FolderSpec = Extract<DestinationSpec, { kind: 'folder' }>;

export class FolderStore implements OffsiteStore {
  readonly destination: string;
  constructor(readonly spec: FolderSpec) {
    this.destination = spec.path;
  }

  private pathOf(key: string): string {
    return join(this.spec.path, ...key.split('/'));
  }

  locationOf(key: string): string {
    return this.pathOf(key);
  }

  private async folderExists(): Promise<void> {
    const s = await stat(this.spec.path).catch(() => undefined);
    if (!s?.isDirectory())
      throw new PgBackupError(`The destination folder ${this.spec.path} does not exist.`, 'input', {
        hint: 'Create it (or mount the share) first.',
      });
  }

  async listTop(): Promise<{ files: StoredObject[]; folders: string[] }> {
    await this.folderExists();
    const dirents = await readdir(this.spec.path, { withFileTypes: true });
    const files = await Promise.all(
      dirents
        .filter((d) => d.isFile())
        .map(async (d) => {
          const s = await stat(join(this.spec.path, d.name));
          return { key: d.name, size: s.size, modified: s.mtime, etag: `${s.size}-${s.mtimeMs}` };
        }),
    );
    return { files, folders: dirents.filter((d) => d.isDirectory()).map((d) => d.name) };
  }

  async listUnder(folder: string): Promise<StoredObject[]> {
    const root = this.pathOf(folder);
    const dirents = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    return Promise.all(
      dirents
        .filter((d) => d.isFile())
        .map(async (d) => {
          const path = join(d.parentPath, d.name);
          const s = await stat(path);
          return {
            key: `${folder}/${path
              .slice(root.length + 1)
              .split(sep)
              .join('/')}`,
            size: s.size,
            modified: s.mtime,
          };
        }),
    );
  }

  async putFile(key: string, localPath: string, o: PutOptions = {}): Promise<PutResult> {
    const target = this.pathOf(key);
    const partial = `${target}.partial`;
    // Never made: a share that is not mounted must not fill the disk under its mount point.
    await this.folderExists();
    await mkdir(dirname(target), { recursive: true });
    let sent = 0;
    const hash = hashingStream((n) => o.onBytes?.((sent = n)));
    try {
      await pipeline(
        createReadStream(localPath, { highWaterMark: 1 << 20 }),
        hash,
        createWriteStream(partial, { flags: 'wx' }),
        {
          signal: o.signal,
        },
      );
      const written = hash.sha256();
      const readBack = await sha256File(partial);
      if (readBack !== written)
        throw new PgBackupError(`The copy of ${key} in ${this.spec.path} does not read back as it was written.`, 'io', {
          detail: `sha256 written ${written}, read back ${readBack}`,
        });
      await rename(partial, target);
      return { storeChecked: true, sent: written };
    } catch (e) {
      await rm(partial, { force: true });
      if (o.signal?.aborted) throw new CancelledError('The copy');
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new PgBackupError(`${partial} exists: another copy is running, or remove it.`, 'input');
      throw await writeError(e, target, sent);
    }
  }

  async putText(key: string, text: string): Promise<void> {
    const target = this.pathOf(key);
    await this.folderExists();
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, text);
  }

  async getText(key: string): Promise<string | undefined> {
    return readFile(this.pathOf(key), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw new PgBackupError(`Cannot read ${this.pathOf(key)}: ${e.message}`, 'io');
    });
  }

  async read(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path).catch(() => {
      throw new PgBackupError(`${path} does not exist.`, 'input');
    });
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  /** Removes the files, then the folders they leave empty (a directory dump's, a base backup's). */
  async remove(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => rm(this.pathOf(k), { force: true })));
    const folders = new Set(
      keys.flatMap((k) =>
        k
          .split('/')
          .slice(0, -1)
          .map((_, i, a) => a.slice(0, i + 1).join('/')),
      ),
    );
    for (const f of [...folders].sort((a, b) => b.length - a.length))
      await rmdir(this.pathOf(f)).catch(() => undefined);
  }

  async pendingUploads(): Promise<{ key: string; uploadId: string }[]> {
    return [];
  }

  close(): void {}
}
