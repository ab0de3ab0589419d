import * as vscode from 'vscode';
import { PgBackupError } from '../../core/errors';

/** An off-site destination as kept in `pgBackup.offsite.destinations`: nothing secret (keys: see keys.ts). */
export interface OffsiteDestination {
  name: string;
  /** A folder path, or `s3://bucket/prefix`. */
  url: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  profile?: string;
}

const SECTION = 'pgBackup';
const KEY = 'offsite.destinations';

/** The destinations from user and workspace settings (the workspace's only in a trusted workspace), by name. */
export function offsiteDestinations(): OffsiteDestination[] {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<OffsiteDestination[]>(KEY);
  const workspace = vscode.workspace.isTrusted
    ? [...(inspected?.workspaceFolderValue ?? []), ...(inspected?.workspaceValue ?? [])]
    : [];
  const seen = new Set<string>();
  return [...workspace, ...(inspected?.globalValue ?? [])].filter(
    (d) => typeof d?.name === 'string' && typeof d.url === 'string' && !seen.has(d.name) && seen.add(d.name),
  );
}

export function offsiteDestination(name: string): OffsiteDestination {
  const found = offsiteDestinations().find((d) => d.name === name);
  if (!found) throw new PgBackupError(`No off-site destination named "${name}".`, 'usage');
  return found;
}

/** Adds (or replaces, by name) a destination in the user's settings. */
export async function saveOffsiteDestination(d: OffsiteDestination): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const list = (cfg.inspect<OffsiteDestination[]>(KEY)?.globalValue ?? []).filter((x) => x.name !== d.name);
  const clean = Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== ''));
  await cfg.update(KEY, [...list, clean], vscode.ConfigurationTarget.Global);
}

export function affectsOffsiteDestinations(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.${KEY}`);
}
