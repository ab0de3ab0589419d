/**
 * Watching the extension from inside its host, without replacing anything: spies record calls and call through;
 * runClosingPrompts runs a command as the palette would and closes what it opens.
 */
import * as vscode from 'vscode';
import { sleep } from '../support/time';

type Fn = (...args: unknown[]) => unknown;
/** What a spy records for a call, or undefined to skip it. */
type Note = (name: string, args: unknown[]) => string | undefined;

/** Wraps methods of an object to record each call (`note` says what), still calling through. */
export function spyOn(target: object, names: readonly string[], note: Note) {
  const o = target as Record<string, Fn>;
  const originals = names.map((name) => [name, o[name]] as const);
  const calls: string[] = [];
  for (const [name, original] of originals) {
    o[name] = function (this: unknown, ...args: unknown[]) {
      const what = note(name, args);
      if (what) calls.push(what);
      return original.apply(this, args);
    };
  }
  return { calls, restore: () => originals.forEach(([name, original]) => (o[name] = original)) };
}

interface Settled {
  settled: boolean;
  error?: unknown;
}

/** Runs a command, closing any quick pick, input box or notification it opens, until it settles (or `ms`). */
export async function runClosingPrompts(id: string, args: unknown[], ms = 8000): Promise<Settled> {
  let state: Settled = { settled: false };
  vscode.commands.executeCommand(id, ...args).then(
    () => (state = { settled: true }),
    (error: unknown) => (state = { settled: true, error }),
  );
  for (const end = Date.now() + ms; !state.settled && Date.now() < end;) {
    await sleep(200);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
  }
  return state;
}
