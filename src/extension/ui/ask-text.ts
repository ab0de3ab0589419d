import * as vscode from 'vscode';

/** One line asked in an input box that stays open when focus moves; trimmed, undefined when dismissed. */
export function askText(title: string, prompt: string, value: string, check: (v: string) => string | undefined) {
  return vscode.window
    .showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: check })
    .then((v) => v?.trim());
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A stanza, bucket or server name. */
export const nameCheck = (v: string) => (NAME.test(v.trim()) ? undefined : 'Letters, digits, ".", "_" and "-".');
export const absCheck = (v: string) => (v.trim().startsWith('/') ? undefined : 'An absolute path.');
export const optionalAbs = (v: string) =>
  !v.trim() || v.trim().startsWith('/') ? undefined : 'An absolute path, or empty.';

/** A connection's name made into a stanza or server name. */
export const safeName = (name: string) =>
  name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'main';
