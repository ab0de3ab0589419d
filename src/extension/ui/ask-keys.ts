import * as vscode from 'vscode';
import type { S3Credentials } from '../../core/offsite/types';

/**
 * An access key id and its secret, asked in two input boxes (the secret with `password: true`, so it is never on
 * screen). `idPrompt` says what an empty id means for this store; undefined when the user cancels.
 */
export async function askS3Keys(
  title: string,
  idPrompt: string,
  allowEmptyId: boolean,
): Promise<S3Credentials | 'empty' | undefined> {
  const accessKeyId = (
    await vscode.window.showInputBox({
      title,
      prompt: idPrompt,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() || allowEmptyId ? undefined : 'Give the access key id.'),
    })
  )?.trim();
  if (accessKeyId === undefined) return undefined;
  if (!accessKeyId) return 'empty';
  const secretAccessKey = await vscode.window.showInputBox({
    title,
    prompt: 'Secret access key (kept in the OS keychain)',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'Give the secret access key.'),
  });
  if (!secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey };
}
