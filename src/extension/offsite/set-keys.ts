import * as vscode from 'vscode';
import { PgBackupError } from '../../core/errors';
import type { S3Credentials } from '../../core/offsite/types';
import type { Ctx, Headless } from '../context';
import { offsiteDestination } from './destinations';
import { OffsiteKeys } from './keys';
import { pickDestination } from './pick-destination';
import { isS3Url } from '../../core/offsite/destination';
import { askS3Keys } from '../ui/ask-keys';

export interface SetOffsiteKeysArgs extends Partial<S3Credentials> {
  destination: string;
  /** Forget the keys: the destination uses the AWS default chain again. */
  clear?: boolean;
}

/** Keeps a bucket's keys in SecretStorage (never settings or logs); `clear` forgets them. */
export const setOffsiteKeys: Headless<SetOffsiteKeysArgs, void> = (ctx) => async (args) => {
  const d = offsiteDestination(args.destination);
  const keys = new OffsiteKeys(ctx.extension.secrets);
  if (args.clear) {
    await keys.delete(d.name);
    ctx.log.info(`Off-site keys of "${d.name}" removed: the AWS default chain applies.`);
  } else {
    if (!args.accessKeyId || !args.secretAccessKey)
      throw new PgBackupError('Off-site keys need an access key id and a secret access key.', 'usage');
    const { accessKeyId, secretAccessKey, sessionToken } = args;
    await keys.set(d.name, { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
    ctx.log.info(`Off-site keys of "${d.name}" saved in the keychain.`);
  }
  ctx.backupsTree.refresh();
};

export const setOffsiteKeysUi = (ctx: Ctx) => async (arg?: string | { destination?: { name: string } }) => {
  const named = typeof arg === 'string' ? arg : arg?.destination?.name;
  const d = named ? offsiteDestination(named) : await pickDestination('Set Off-site Keys', (x) => isS3Url(x.url));
  if (!d) return undefined;
  const keys = await askS3Keys(
    `Off-site keys for ${d.name}`,
    'Access key id (empty: forget saved keys and use the AWS default chain)',
    true,
  );
  if (!keys) return undefined;
  if (keys === 'empty') return setOffsiteKeys(ctx)({ destination: d.name, clear: true });
  await setOffsiteKeys(ctx)({ destination: d.name, ...keys });
  void vscode.window.showInformationMessage(`Keys for "${d.name}" saved in the keychain.`);
  return undefined;
};
