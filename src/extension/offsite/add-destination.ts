import * as vscode from 'vscode';
import { errorMessage, PgBackupError } from '../../core/errors';
import { isS3Url, parseDestination } from '../../core/offsite/destination';
import type { Ctx, Headless } from '../context';
import { offsiteDestinations, saveOffsiteDestination, type OffsiteDestination } from './destinations';
import { destinationSpec } from './target';

const TITLE = 'Add Off-site Destination';

/** Checks a destination before it is saved: a name, a folder or a valid s3:// URL, and an http(s) endpoint. */
function checkDestination(d: OffsiteDestination): void {
  if (!d.name?.trim()) throw new PgBackupError('An off-site destination needs a name.', 'usage');
  if (!d.url?.trim()) throw new PgBackupError(`"${d.name}" needs a folder or s3://bucket/prefix.`, 'usage');
  destinationSpec(d);
}

/** Saves a destination in the user's settings (replacing one of the same name). Nothing secret is kept there. */
export const addOffsiteDestination: Headless<OffsiteDestination, OffsiteDestination> = (ctx) => async (d) => {
  checkDestination(d);
  await saveOffsiteDestination(d);
  ctx.log.info(`Off-site destination "${d.name}": ${d.url}${d.endpoint ? ` at ${d.endpoint}` : ''}`);
  ctx.backupsTree.refresh();
  return d;
};

const input = (prompt: string, o: vscode.InputBoxOptions = {}) =>
  vscode.window.showInputBox({ title: TITLE, prompt, ignoreFocusOut: true, ...o });

/** Name, where, and for a bucket its endpoint, region, path style and profile; then whether to enter keys. */
export const addOffsiteDestinationUi = (ctx: Ctx) => async () => {
  const taken = new Set(offsiteDestinations().map((d) => d.name));
  const name = await input('A short name for the destination', {
    placeHolder: 'e.g. nas, b2-backups',
    validateInput: (v) =>
      !v.trim() ? 'Give a name.' : taken.has(v.trim()) ? `"${v.trim()}" exists already.` : undefined,
  });
  if (!name) return undefined;
  const url = await input('A folder (another disk, a mounted share) or s3://bucket/prefix', {
    placeHolder: 's3://my-bucket/pg-backups  or  /mnt/nas/pg-backups',
    validateInput: (v) => {
      try {
        parseDestination(v.trim());
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  if (!url) return undefined;
  const d: OffsiteDestination = { name: name.trim(), url: url.trim() };
  if (isS3Url(d.url)) {
    const endpoint = await input('Endpoint URL (MinIO, R2, B2…); empty for AWS S3', {
      placeHolder: 'https://s3.eu-central-003.backblazeb2.com',
      validateInput: (v) =>
        !v || /^https?:\/\/[^@/]+/.test(v) ? undefined : 'An http:// or https:// URL, without keys.',
    });
    if (endpoint === undefined) return undefined;
    const region = await input('Region; empty for the default chain (AWS_REGION, the profile)', {
      placeHolder: 'us-east-1',
    });
    if (region === undefined) return undefined;
    const style = await vscode.window.showQuickPick(
      [
        { label: 'Virtual-hosted style', description: 'bucket.endpoint (AWS, R2, B2)', pathStyle: false },
        { label: 'Path style', description: 'endpoint/bucket (MinIO and most self-hosted servers)', pathStyle: true },
      ],
      { title: TITLE, placeHolder: 'How the server addresses buckets', ignoreFocusOut: true },
    );
    if (!style) return undefined;
    const profile = await input('AWS profile (shared config); empty for AWS_PROFILE or the default', {});
    if (profile === undefined) return undefined;
    Object.assign(d, {
      endpoint: endpoint || undefined,
      region: region || undefined,
      pathStyle: style.pathStyle || undefined,
    });
    if (profile) d.profile = profile;
  }
  const saved = await addOffsiteDestination(ctx)(d);
  if (isS3Url(d.url)) {
    const keys = 'Set Off-site Keys…';
    const picked = await vscode.window.showInformationMessage(
      `Off-site destination "${d.name}" added. Credentials come from the AWS default chain (environment, profiles, SSO) unless you enter keys.`,
      keys,
    );
    if (picked === keys) await vscode.commands.executeCommand('pgBackup.setOffsiteKeys', d.name);
  } else void vscode.window.showInformationMessage(`Off-site destination "${d.name}" added: ${d.url}.`);
  return saved;
};
