/**
 * One freshly initdb'd data directory per PostgreSQL build, kept between drills: a throwaway cluster copies it
 * instead of running initdb, which is most of a small drill's time. A data directory does not record where it
 * lives, so a copy is as good as a new initdb with the same arguments.
 *
 * The template's name is a hash of everything that decides what initdb writes: the binary (path, `--version`,
 * size and mtime, so a minor upgrade or rebuild makes a new one), our arguments and TEMPLATE_FORMAT. It is
 * built under a temporary name and renamed into place, so a drill only ever sees a whole template, also with
 * drills running side by side or a cancel in the middle of initdb. Templates live in a folder of the server's
 * OS user (it runs initdb and copies them), private to that user, in a temp folder that user can reach (the OS
 * temp folder, or /tmp when that is private to root): as root the server runs as `postgres`, which cannot read
 * /root.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PgBackupError } from '../errors';
import { runTool } from '../process/run-tool';
import type { ToolSet } from '../tools/discover';
import type { ServerOwner } from './server-owner';

/** Bump when a template's making changes in a way the key does not see (e.g. a step after initdb). */
const TEMPLATE_FORMAT = 1;

/** The superuser of every throwaway cluster. */
export const SUPERUSER = 'postgres';

/** initdb's arguments after `-D <dir>`, for a template and for a plain initdb alike. */
export const INITDB_ARGS: readonly string[] = ['-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '-N'];

/** Builds interrupted by a killed process are removed once this old (a live build takes seconds). */
const STALE_BUILD_MS = 60 * 60 * 1000;

export interface TemplateOptions {
  owner: ServerOwner;
  toolSet: ToolSet;
  initdb: string;
  /** The templates' folder; default `pgb-initdb-templates-<uid of the server's user>` in ServerOwner.tempFolder. */
  folder?: string;
  signal?: AbortSignal;
}

export interface Template {
  dir: string;
  /** Made by this call (the first drill of this build), or reused. */
  built: boolean;
}

let ownerUid: Promise<number> | undefined;
const versions = new Map<string, Promise<string>>();

/** The uid the server runs as (root: the `postgres` user), asked once per process. */
function serverUid(owner: ServerOwner): Promise<number> {
  ownerUid ??= owner.run({ file: 'id', args: ['-u'] }).then((r) => Number(r.stdout.trim()));
  return ownerUid.catch((e: unknown) => {
    ownerUid = undefined;
    throw e;
  });
}

const hash = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** "pg15-<which initdb>-<what it writes>": the first part finds older templates of the same binary to drop. */
async function templateName(o: TemplateOptions): Promise<{ name: string; binaryTag: string }> {
  const path = await realpath(o.initdb);
  const st = await stat(path);
  const id = `${path}:${st.size}:${st.mtimeMs}:${st.ino}`;
  let version = versions.get(id);
  if (!version) {
    version = runTool({ file: path, args: ['--version'] }).then((r) => r.stdout.trim());
    versions.set(id, version);
    version.catch(() => versions.delete(id));
  }
  // TZ: initdb writes the timezone it finds into postgresql.conf.
  const what = JSON.stringify([
    TEMPLATE_FORMAT,
    id,
    await version,
    o.toolSet.version,
    INITDB_ARGS,
    process.env.TZ ?? '',
  ]);
  const binaryTag = `pg${o.toolSet.major}-${hash(path, 8)}`;
  return { name: `${binaryTag}-${hash(what, 16)}`, binaryTag };
}

/** The templates' folder, made by the server's user (mode 0700) when missing; refused unless it is that user's and private. */
async function ownFolder(o: TemplateOptions): Promise<string> {
  const uid = await serverUid(o.owner);
  const folder = o.folder ?? join(await o.owner.tempFolder(o.signal), `pgb-initdb-templates-${uid}`);
  const check = () =>
    lstat(folder).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  let st = await check();
  if (!st) {
    // Made by the server's user itself, so it is theirs from the start; a concurrent drill may win the race.
    await o.owner.run({ file: 'mkdir', args: ['-m', '0700', folder], signal: o.signal }).catch(() => undefined);
    st = await check();
  }
  // A shared temp folder: anyone could have made this name first, so trust only a private folder of the server's user.
  if (!st) throw new PgBackupError(`${folder} could not be made: initdb templates are not used.`, 'tool-failed');
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new PgBackupError(
      `${folder} is not a private folder of uid ${uid}: initdb templates are not used.`,
      'tool-failed',
    );
  }
  return folder;
}

const isErr = (e: unknown, ...codes: string[]) => codes.includes((e as NodeJS.ErrnoException).code ?? '');

/** Removes a folder by renaming it away first, so nothing copies a half-removed template. */
async function removeAtomically(dir: string): Promise<void> {
  const away = `${dir}.drop-${randomBytes(4).toString('hex')}`;
  try {
    await rename(dir, away);
  } catch (e) {
    if (isErr(e, 'ENOENT')) return;
    throw e;
  }
  await rm(away, { recursive: true, force: true });
}

/** Drops what is no longer used: older templates of the same initdb path, and builds or drops a killed process left. */
async function prune(folder: string, name: string, binaryTag: string): Promise<void> {
  for (const entry of await readdir(folder)) {
    const path = join(folder, entry);
    if (entry.startsWith(`${binaryTag}-`) && !entry.includes('.') && entry !== name) await removeAtomically(path);
    else if (
      /\.(build|drop)-/.test(entry) &&
      Date.now() - (await lstat(path).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > STALE_BUILD_MS
    )
      await rm(path, { recursive: true, force: true });
  }
}

/** The template of this initdb, built first if there is none yet. */
export async function initdbTemplate(o: TemplateOptions): Promise<Template> {
  const folder = await ownFolder(o);
  const { name, binaryTag } = await templateName(o);
  const dir = join(folder, name);
  if (
    await stat(join(dir, 'PG_VERSION')).then(
      () => true,
      () => false,
    )
  )
    return { dir, built: false };
  await prune(folder, name, binaryTag);
  const building = join(folder, `${name}.build-${randomBytes(4).toString('hex')}`);
  try {
    await o.owner.run({ file: o.initdb, args: ['-D', building, ...INITDB_ARGS], signal: o.signal });
    await rename(building, dir);
    return { dir, built: true };
  } catch (e) {
    // Another drill renamed its build into place first: theirs is as good as ours.
    if (isErr(e, 'ENOTEMPTY', 'EEXIST')) return { dir, built: false };
    throw e;
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/** Copies the template into an existing, empty data directory of the server's user, as that user (ownership, 0700). */
export async function copyTemplate(
  owner: ServerOwner,
  template: string,
  dataDir: string,
  signal?: AbortSignal,
): Promise<void> {
  await owner.run({ file: 'cp', args: ['-a', `${template}/.`, dataDir], signal });
}

/** Drops a template that did not give a working cluster: the next drill builds it again. */
export const dropTemplate = removeAtomically;
