/**
 * The remote side of the Backups view: each off-site destination as a group (its bucket's protection in the
 * description and tooltip), its backups with the same facts as local ones (from their sidecar objects), and the
 * "✓ off-site: <destination>" mark on a local backup that has a verified copy. The listing itself runs in the
 * lazy bundle (the AWS SDK is not loaded at activation).
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { sidecarPath } from '../../core/dump/naming';
import type { BackupEntry } from '../../core/backups/catalog';
import type { BucketProtection, CopyRecord, RemoteBackup } from '../../core/offsite/types';
import { errorMessage } from '../../core/errors';
import { offsiteDestinations, type OffsiteDestination } from '../offsite/destinations';
import type { OffsiteKeys } from '../offsite/keys';
import type { DestinationListing } from '../offsite/list-destination';

export interface OffsiteGroupNode {
  kind: 'offsiteGroup';
  destination: OffsiteDestination;
}
export interface RemoteBackupNode {
  kind: 'remoteBackup';
  destination: OffsiteDestination;
  remote: RemoteBackup;
  /** The remote copy as a backup entry (its location as path), for the rows' facts. */
  entry: BackupEntry;
}
export interface OffsiteMessageNode {
  kind: 'offsiteMessage';
  destination: OffsiteDestination;
  text: string;
}
export type OffsiteNode = OffsiteGroupNode | RemoteBackupNode | OffsiteMessageNode;

export const OFFSITE_NODE_KINDS = [
  'offsiteGroup',
  'remoteBackup',
  'offsiteMessage',
] as const satisfies readonly OffsiteNode['kind'][];

export function isOffsiteNode(node: { kind: string } | undefined): node is OffsiteNode {
  return (OFFSITE_NODE_KINDS as readonly string[]).includes(node?.kind ?? '');
}

/** The commands that work on a remote backup by fetching it first (see withFetchedBackup). */
export const FETCHING_COMMANDS = new Set([
  'pgBackup.inspectBackup',
  'pgBackup.verifyChecksum',
  'pgBackup.runRestoreDrill',
  'pgBackup.restoreBackup',
]);

export function isRemoteBackupNode(arg: unknown): arg is RemoteBackupNode {
  return (arg as { kind?: unknown } | undefined)?.kind === 'remoteBackup';
}

/** What a headless call adds to name a remote backup: `path` is then its location at this destination. */
export interface OffsiteArgs {
  path: string;
  offsiteDestination: string;
}

export const namesRemoteBackup = (arg: unknown): arg is OffsiteArgs =>
  typeof (arg as OffsiteArgs | undefined)?.offsiteDestination === 'string' &&
  typeof (arg as OffsiteArgs).path === 'string';

/**
 * A local backup's off-site copies: a dump's sidecar lists them; a base backup's are in the sidecar its first copy
 * wrote next to it (pg_basebackup leaves none).
 */
export async function readCopies(e: Pick<BackupEntry, 'kind' | 'path' | 'sidecar'>): Promise<CopyRecord[]> {
  if (e.kind !== 'basebackup') return e.sidecar?.copies ?? [];
  const text = await readFile(sidecarPath(e.path), 'utf8').catch(() => undefined);
  try {
    const copies = text ? (JSON.parse(text) as { copies?: unknown }).copies : undefined;
    return Array.isArray(copies) ? (copies as CopyRecord[]) : [];
  } catch {
    return [];
  }
}

/** The name a destination URL has in the settings (else the URL itself). */
function destinationName(url: string, destinations: readonly OffsiteDestination[]): string {
  const norm = (u: string) => u.replace(/\/+$/, '');
  return destinations.find((d) => norm(d.url) === norm(url))?.name ?? url;
}

/** "✓ off-site: nas, b2" for verified copies, "✗ off-site: nas" for one that failed its read-back. */
export function offsiteMark(copies: readonly CopyRecord[], destinations: readonly OffsiteDestination[]): string {
  const names = (ok: boolean) => [
    ...new Set(copies.filter((c) => c.verified?.ok === ok).map((c) => destinationName(c.destination, destinations))),
  ];
  const good = names(true);
  const bad = names(false);
  return [good.length ? `✓ off-site: ${good.join(', ')}` : '', bad.length ? `✗ off-site: ${bad.join(', ')}` : '']
    .filter(Boolean)
    .join(' · ');
}

/** A remote copy as the local rows see a backup: its location for a path, its sidecar's facts. */
function remoteEntry(r: RemoteBackup): BackupEntry {
  // The sidecar object's `verified` is the local file's last check, not the copy's: a remote row does not show it.
  const sidecar = r.sidecar && { ...r.sidecar, verified: undefined };
  return {
    path: r.location,
    name: r.name,
    folder: r.destination,
    kind: r.kind,
    format: r.format ?? r.baseSidecar?.format ?? 'custom',
    sizeBytes: r.sizeBytes,
    modified: r.modified,
    created: r.created,
    database: r.database,
    server: r.server,
    serverVersion: r.serverVersion,
    pgDumpVersion: r.sidecar?.pgDumpVersion,
    sidecar,
    checksum: r.sha256 ? 'recorded' : 'none',
    problem: r.problem,
  };
}

function protectionText(p: BucketProtection | undefined): string | undefined {
  if (!p) return undefined;
  if (p.objectLock === 'on') return 'Object Lock on';
  if (p.versioning === 'enabled') return 'versioning on';
  return '⚠ no versioning or Object Lock';
}

type Listed = { ok: true; listing: DestinationListing } | { ok: false; problem: string };
type ListDestination = (keys: OffsiteKeys, d: OffsiteDestination) => Promise<DestinationListing>;

/** The off-site groups: listed once per refresh (each destination on its own), redrawn as each answers. */
export class OffsiteSection {
  private readonly listings = new Map<string, { done?: Listed; promise: Promise<Listed> }>();
  /** The group nodes handed to the view, kept so that a listing redraws its own group only. */
  private readonly groups = new Map<string, OffsiteGroupNode>();

  constructor(
    private readonly keys: OffsiteKeys,
    private readonly load: () => Promise<{ listDestination: ListDestination }>,
    /** Redraws a group whose listing arrived (the whole view when the group is not shown yet). */
    private readonly redraw: (group: OffsiteGroupNode | undefined) => void,
  ) {}

  refresh(): void {
    this.listings.clear();
  }

  roots(): OffsiteGroupNode[] {
    return offsiteDestinations().map((destination) => {
      const known = this.groups.get(destination.name);
      if (known && JSON.stringify(known.destination) === JSON.stringify(destination)) return known;
      const group: OffsiteGroupNode = { kind: 'offsiteGroup', destination };
      this.groups.set(destination.name, group);
      return group;
    });
  }

  /** The destination's listing: one request per refresh, whoever asks. */
  listing(d: OffsiteDestination): Promise<Listed> {
    const known = this.listings.get(d.name);
    if (known) return known.promise;
    const entry: { done?: Listed; promise: Promise<Listed> } = {
      promise: this.load()
        .then((m) => m.listDestination(this.keys, d))
        .then(
          (listing): Listed => ({ ok: true, listing }),
          (e: unknown): Listed => ({ ok: false, problem: errorMessage(e) }),
        )
        .then((done) => {
          entry.done = done;
          if (this.listings.get(d.name) === entry) this.redraw(this.groups.get(d.name));
          return done;
        }),
    };
    this.listings.set(d.name, entry);
    return entry.promise;
  }

  item(node: OffsiteNode, local: (n: RemoteBackupNode) => vscode.TreeItem): vscode.TreeItem {
    if (node.kind === 'remoteBackup') return local(node);
    if (node.kind === 'offsiteMessage') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.id = `offsite-message:${node.destination.name}`;
      item.iconPath = new vscode.ThemeIcon('error');
      item.tooltip = node.text;
      return item;
    }
    const d = node.destination;
    const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `offsite:${d.name}`;
    item.contextValue = 'offsiteGroup';
    const known = this.listings.get(d.name)?.done;
    if (!known) void this.listing(d);
    const s3 = /^s3:\/\//i.test(d.url);
    const protection = known?.ok ? known.listing.protection : undefined;
    item.iconPath = new vscode.ThemeIcon(
      known && !known.ok
        ? 'error'
        : protection && protectionText(protection)?.startsWith('⚠')
          ? 'warning'
          : s3
            ? 'cloud'
            : 'folder-library',
    );
    const count = known?.ok ? known.listing.backups.length : undefined;
    item.description = [
      'off-site',
      known ? (known.ok ? `${count} backup${count === 1 ? '' : 's'}` : 'cannot list') : 'listing…',
      protectionText(protection),
    ]
      .filter(Boolean)
      .join(' · ');
    const lines = [
      `**Off-site: ${d.name}**`,
      `${d.url}${d.endpoint ? ` at ${d.endpoint}` : ''}${d.region ? ` (${d.region})` : ''}`,
      protection ? `Protection: ${protection.summary}` : s3 ? '' : 'A folder: as safe as the disk or share it is on.',
      known && !known.ok ? `Listing failed: ${known.problem}` : '',
    ];
    item.tooltip = new vscode.MarkdownString(lines.filter(Boolean).join('\n\n'));
    return item;
  }

  async children(node: OffsiteNode): Promise<OffsiteNode[]> {
    if (node.kind !== 'offsiteGroup') return [];
    const listed = await this.listing(node.destination);
    if (!listed.ok) return [{ kind: 'offsiteMessage', destination: node.destination, text: listed.problem }];
    return [...listed.listing.backups]
      .sort((a, b) => b.created.getTime() - a.created.getTime())
      .map((remote) => ({ kind: 'remoteBackup', destination: node.destination, remote, entry: remoteEntry(remote) }));
  }
}
