import * as vscode from 'vscode';

/**
 * The Getting Started walkthrough's steps, each done when the user has really done it. A step's context key
 * (`pgBackup.walkthrough.<step>`) is what its `completionEvents` wait for; steps done are kept in global state so
 * the keys are set again, from memory alone, at the next activation.
 */
export const WALKTHROUGH_STEPS = [
  'connectionSaved',
  'backupWritten',
  'drillPassed',
  'targetsSet',
  'scheduleWritten',
] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

const DONE = 'pgBackup.walkthrough.done';

const doneSteps = (extension: vscode.ExtensionContext) => extension.globalState.get<WalkthroughStep[]>(DONE, []);

const setKey = (step: WalkthroughStep, value: boolean) =>
  vscode.commands.executeCommand('setContext', `pgBackup.walkthrough.${step}`, value);

/** Whether a step was done (in any session). */
export function walkthroughDone(extension: vscode.ExtensionContext, step: WalkthroughStep): boolean {
  return doneSteps(extension).includes(step);
}

/** Marks a step done: its context key, and global state for the next sessions. */
export async function markWalkthroughDone(extension: vscode.ExtensionContext, step: WalkthroughStep): Promise<void> {
  await setKey(step, true);
  const done = doneSteps(extension);
  if (!done.includes(step)) await extension.globalState.update(DONE, [...done, step]);
}

/** At activation: the keys of the steps done before, and "connection saved" when one is. Reads nothing else. */
export function restoreWalkthrough(extension: vscode.ExtensionContext, hasConnection: boolean): void {
  const done = doneSteps(extension);
  if (hasConnection && !done.includes('connectionSaved')) void markWalkthroughDone(extension, 'connectionSaved');
  for (const step of done) void setKey(step, true);
}

/** Forgets every step (the extension-host tests start from a fresh walkthrough with it). */
export async function resetWalkthrough(extension: vscode.ExtensionContext): Promise<void> {
  await extension.globalState.update(DONE, undefined);
  await Promise.all(WALKTHROUGH_STEPS.map((s) => setKey(s, false)));
}
