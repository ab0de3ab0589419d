/**
 * The point-in-time recovery model: what the user chose (target, timeline, action, where the archived WAL comes
 * from) for a base backup of a given server major. Pure data and parsing, no fs and no node imports: the PITR
 * webview bundles this module for its live preview.
 */

export type TargetKind = 'time' | 'xid' | 'lsn' | 'name' | 'immediate' | 'latest';
export const TARGET_KINDS: readonly TargetKind[] = ['time', 'xid', 'lsn', 'name', 'immediate', 'latest'];

export interface RecoveryTarget {
  kind: TargetKind;
  /** The timestamp, xid, LSN or restore point name; absent for immediate and latest. */
  value?: string;
}

/** 'latest' follows timeline switches found in the archive; 'current' stays on the backup's timeline. */
export type TimelineChoice = 'latest' | 'current' | number;

export type RecoveryAction = 'pause' | 'promote' | 'shutdown';
export const RECOVERY_ACTIONS: readonly RecoveryAction[] = ['pause', 'promote', 'shutdown'];

/** Where recovery fetches archived WAL from (restore_command) or where archiving sends it (archive_command). */
export type ArchiveSource =
  | { kind: 'cp'; dir: string }
  | { kind: 'rsync'; host: string; dir: string }
  | { kind: 'walg' }
  | { kind: 'pgbackrest'; stanza: string; /** pgbackrest.conf when not the default one. */ config?: string }
  | { kind: 'barman'; host: string; server: string };

export interface PitrModel {
  /** Major of the server the base backup came from (9.6 … 18), read from PG_VERSION. */
  serverMajor: number;
  target: RecoveryTarget;
  /** Stop just after (true, the server's default) or just before the target. Only time, xid and lsn use it. */
  inclusive: boolean;
  timeline: TimelineChoice;
  action: RecoveryAction;
  source: ArchiveSource;
  /** Start as a standby that keeps following the archive instead of a one-off recovery. */
  standby?: boolean;
}

/** Parses `time:TS | xid:N | lsn:X/Y | name:LABEL | immediate | latest` (the CLI's --target). */
export function parseTarget(text: string): RecoveryTarget | undefined {
  const t = text.trim();
  if (t === 'immediate' || t === 'latest') return { kind: t };
  const colon = t.indexOf(':');
  if (colon < 0) return undefined;
  const kind = t.slice(0, colon) as TargetKind;
  if (!TARGET_KINDS.includes(kind) || kind === 'immediate' || kind === 'latest') return undefined;
  return { kind, value: t.slice(colon + 1) };
}

/** Parses `cp:DIR | rsync:HOST:DIR | walg | pgbackrest:STANZA | barman:HOST:SERVER` (the CLI's --source). */
export function parseSource(text: string): ArchiveSource | undefined {
  const [kind, ...rest] = text.split(':');
  const tail = rest.join(':');
  switch (kind) {
    case 'cp':
      return tail ? { kind, dir: tail } : undefined;
    case 'rsync': {
      const [host, ...dir] = rest;
      return host && dir.join(':') ? { kind, host, dir: dir.join(':') } : undefined;
    }
    case 'walg':
      return rest.length ? undefined : { kind };
    case 'pgbackrest':
      return tail ? { kind, stanza: tail } : undefined;
    case 'barman':
      return rest.length === 2 && rest[0] && rest[1] ? { kind, host: rest[0], server: rest[1] } : undefined;
    default:
      return undefined;
  }
}

export function parseTimeline(text: string): TimelineChoice | undefined {
  if (text === 'latest' || text === 'current') return text;
  return /^[1-9]\d*$/.test(text) ? Number(text) : undefined;
}

/** Whether recovery can stop just before the target instead of just after it (time, xid and lsn targets). */
export function takesInclusive(kind: TargetKind): boolean {
  return kind === 'time' || kind === 'xid' || kind === 'lsn';
}

/** "time 2026-12-02 10:15:00+01 (exclusive)", "immediate": a target as reports and logs write it. */
export function describeTarget(target: RecoveryTarget, inclusive = true): string {
  const exclusive = !inclusive && takesInclusive(target.kind);
  return `${target.kind}${target.value ? ` ${target.value}` : ''}${exclusive ? ' (exclusive)' : ''}`;
}

export function describeSource(s: ArchiveSource): string {
  switch (s.kind) {
    case 'cp':
      return `folder ${s.dir}`;
    case 'rsync':
      return `${s.host}:${s.dir} over ssh`;
    case 'walg':
      return 'WAL-G';
    case 'pgbackrest':
      return `pgBackRest stanza ${s.stanza}`;
    case 'barman':
      return `Barman server ${s.server} on ${s.host}`;
  }
}
