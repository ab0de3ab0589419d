import * as vscode from 'vscode';
import { PgBackupError } from '../../core/errors';
import type { S3Credentials } from '../../core/offsite/types';
import type { Ctx, Headless } from '../context';
import { RepositoryKeys, maskKeyId } from '../repository/keys';
import { pickRepositoryConnection } from '../repository/repository-node-arg';
import { repoText, savedRepository } from '../repository/settings';
import type { RepositoryTreeNode } from '../tree/repository-nodes';
import { askS3Keys } from '../ui/ask-keys';

export interface SetRepositoryKeysArgs extends Partial<S3Credentials> {
  connection: string;
  /** Forget the keys: pgBackRest then runs without them (it says which option it misses). */
  clear?: boolean;
}

/**
 * Keeps the S3 keys of a connection's pgBackRest repository in SecretStorage (never settings or logs); every
 * pgBackRest run for that repository gets them in its environment. The group is read again with them.
 */
export const setRepositoryKeys: Headless<SetRepositoryKeysArgs, void> = (ctx) => async (args) => {
  const repo = savedRepository(ctx, args.connection);
  if (repo.engine !== 'pgbackrest')
    throw new PgBackupError(`${repoText(repo)} takes no keys: only a pgBackRest S3 repository does.`, 'usage');
  const keys = new RepositoryKeys(ctx.extension.secrets);
  const id = RepositoryKeys.id(args.connection, repo);
  if (args.clear) {
    await keys.delete(id);
    ctx.log.info(`S3 keys of ${repoText(repo)} (${args.connection}) removed from the keychain.`);
  } else {
    if (!args.accessKeyId || !args.secretAccessKey)
      throw new PgBackupError('Repository keys need an access key id and a secret access key.', 'usage');
    const { accessKeyId, secretAccessKey, sessionToken } = args;
    await keys.set(id, { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
    ctx.log.info(
      `S3 keys of ${repoText(repo)} (${args.connection}) saved in the keychain (access key ${maskKeyId(accessKeyId)}).`,
    );
  }
  ctx.backupsTree.repositories.invalidate(args.connection);
};

/** Set Repository Keys… on a repository group (or from the palette): the access key id, then the secret. */
export const setRepositoryKeysUi = (ctx: Ctx) => async (arg?: RepositoryTreeNode | string) => {
  const connection = await pickRepositoryConnection(ctx, arg, 'The repository whose S3 keys to set');
  if (!connection) return undefined;
  const repo = savedRepository(ctx, connection);
  const keys = await askS3Keys(
    `S3 keys for ${repoText(repo)} (${connection})`,
    'Access key id (empty: forget the saved keys)',
    true,
  );
  if (!keys) return undefined;
  if (keys === 'empty') return setRepositoryKeys(ctx)({ connection, clear: true });
  await setRepositoryKeys(ctx)({ connection, ...keys });
  void vscode.window.showInformationMessage(
    `S3 keys for ${repoText(repo)} saved in the keychain (access key ${maskKeyId(keys.accessKeyId)}).`,
  );
  return undefined;
};
