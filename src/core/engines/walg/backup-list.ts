/**
 * Reader of `wal-g backup-list --json --detail` (PostgreSQL): an array of backups with backup_name, wal_file_name,
 * start/finish times, start/finish LSNs as numbers, sizes and the system identifier. A delta backup is named
 * `base_<WAL>_D_<WAL of the backup it is based on>`: its references follow that chain to the full backup. Pure.
 */
import { majorOf } from '../../connection/server-info';
import { PgBackupError } from '../../errors';
import { formatLsn } from '../../pitr/lsn';
import type { RepoBackup, RepoBackupType } from '../types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Big integers (LSNs, the system identifier) are quoted before JSON.parse so that no digit is lost. */
const BIG_FIELDS = /("(?:start_lsn|finish_lsn|system_identifier)"\s*:\s*)(\d+)/g;

function iso(v: unknown): string {
  const s = str(v);
  const ms = s ? Date.parse(s) : NaN;
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

function lsn(v: unknown): string | undefined {
  return typeof v === 'string' && /^\d+$/.test(v) ? formatLsn(BigInt(v)) : undefined;
}

/** The WAL segment a delta backup is based on (`…_D_<WAL>`), or undefined for a full backup. */
export function deltaOrigin(name: string): string | undefined {
  return /_D_([0-9A-F]{24})$/.exec(name)?.[1];
}

export interface WalgBackupList {
  backups: RepoBackup[];
  systemId?: string;
  pgVersion?: string;
}

export function parseWalgBackupList(text: string): WalgBackupList {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'null') return { backups: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed.replace(BIG_FIELDS, '$1"$2"'));
  } catch {
    throw new PgBackupError("WAL-G's backup-list output is not JSON.", 'tool-failed', { detail: text.slice(0, 2000) });
  }
  if (!Array.isArray(doc))
    throw new PgBackupError("WAL-G's backup-list output is not a list of backups.", 'tool-failed', {
      detail: text.slice(0, 2000),
    });
  const rows = doc.filter(isObject);
  const byWal = new Map<string, string>();
  for (const r of rows) {
    const name = str(r.backup_name);
    const wal = /^base_([0-9A-F]{24})/.exec(name ?? '')?.[1];
    if (name && wal) byWal.set(wal, name);
  }
  const chain = (name: string): string[] => {
    const refs: string[] = [];
    for (let origin = deltaOrigin(name); origin && refs.length < rows.length;) {
      const ref = byWal.get(origin);
      if (!ref) break;
      refs.push(ref);
      origin = deltaOrigin(ref);
    }
    return refs;
  };
  const backups = rows.map((r): RepoBackup => {
    const label = str(r.backup_name) ?? '';
    const refs = chain(label);
    const type: RepoBackupType = !deltaOrigin(label) ? 'full' : refs.length <= 1 ? 'diff' : 'incr';
    const wal = str(r.wal_file_name);
    const version = num(r.pg_version);
    return {
      label,
      type,
      references: refs,
      startedAt: iso(r.start_time) || iso(r.time),
      stoppedAt: iso(r.finish_time) || iso(r.time),
      startLsn: lsn(r.start_lsn),
      stopLsn: lsn(r.finish_lsn),
      timeline: wal ? parseInt(wal.slice(0, 8), 16) : undefined,
      walStart: wal,
      databaseBytes: num(r.uncompressed_size),
      repositoryBytes: num(r.compressed_size),
      pgVersion: version ? String(majorOf(version)) : undefined,
    };
  });
  backups.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.label.localeCompare(b.label));
  const newest = rows.at(-1);
  return {
    backups,
    systemId: typeof newest?.system_identifier === 'string' ? newest.system_identifier : undefined,
    pgVersion: backups.at(-1)?.pgVersion,
  };
}
