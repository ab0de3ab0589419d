/**
 * Readers of Barman 3.x's JSON: `barman diagnose` (every backup's catalog entry, the last archived WAL per
 * timeline, the server's status, in one call), `barman -f json check` and `list-backups`, and the `_ERROR` /
 * `_INFO` lists its other commands print in JSON mode. Pure; recorded real output in test/fixtures/barman/.
 */
import { majorOf } from '../../connection/server-info';
import { PgBackupError } from '../../errors';
import type { RepoBackup, RepoInfo } from '../types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PgBackupError(`Barman's ${what} output is not JSON.`, 'tool-failed', { detail: text.slice(0, 2000) });
  }
}

/** 150018 → "15", 90624 → "9.6". */
export function pgMajorOfNum(v: number | undefined): string | undefined {
  return v === undefined ? undefined : String(majorOf(v));
}

/** Barman's "2026-12-02T03:24:02.612743+00:00" → ISO 8601 UTC. */
function isoTime(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const STATUS_TEXT: Record<string, string> = {
  FAILED: 'failed',
  STARTED: 'in progress (or interrupted)',
  WAITING_FOR_WALS: 'waiting for the WAL files that make it consistent',
  EMPTY: 'empty',
  SYNCING: 'syncing from a passive node',
};

/** One entry of diagnose's `servers.NAME.backups` (the backup.info fields) as a RepoBackup. */
export function barmanBackup(b: Json): RepoBackup {
  const label = str(b.backup_id) ?? '';
  const status = str(b.status) ?? 'UNKNOWN';
  const startedAt = isoTime(b.begin_time) ?? '';
  const why = str(b.error);
  const size = num(b.size);
  return {
    label,
    type: 'full',
    references: [],
    startedAt,
    stoppedAt: isoTime(b.end_time) ?? '',
    startLsn: str(b.begin_xlog),
    stopLsn: str(b.end_xlog),
    timeline: num(b.timeline),
    walStart: str(b.begin_wal),
    walStop: str(b.end_wal),
    databaseBytes: size,
    repositoryBytes: num(b.deduplicated_size) ?? size,
    pgVersion: pgMajorOfNum(num(b.version)),
    error: status === 'DONE' ? undefined : `${STATUS_TEXT[status] ?? status.toLowerCase()}${why ? `: ${why}` : ''}`,
  };
}

export interface BarmanDiagnosis {
  engineVersion: string;
  /** The server names the configuration defines. */
  servers: string[];
  /** Where the server's backups are written (`basebackups_directory`), each in `<backup id>/data`. */
  basebackupsDirectory?: string;
  /** The size of the server's databases as Barman reports it ("Current data size", `current_size`). */
  databaseBytes?: number;
  info: Omit<RepoInfo, 'repo' | 'status' | 'engineVersion'>;
}

/** `barman diagnose` for one server: its backups oldest first, the WAL it holds, the cluster's identity. */
export function parseDiagnose(text: string, server: string): BarmanDiagnosis {
  const doc = parseJson(text, 'diagnose');
  if (!isObject(doc) || !isObject(doc.servers))
    throw new PgBackupError('Barman diagnose printed no servers.', 'tool-failed', { detail: text.slice(0, 2000) });
  const global = isObject(doc.global) ? doc.global : {};
  const engineVersion = str(isObject(global.system_info) ? global.system_info.barman_ver : undefined) ?? 'unknown';
  const servers = Object.keys(doc.servers);
  const s = doc.servers[server];
  if (!isObject(s)) {
    throw new PgBackupError(`Barman has no server "${server}".`, 'input', {
      hint: servers.length ? `Its configuration defines: ${servers.join(', ')}.` : 'Its configuration defines none.',
    });
  }
  const raw = isObject(s.backups) ? Object.values(s.backups).filter(isObject) : [];
  const backups = raw.map(barmanBackup).sort((a, b) => (a.startedAt + a.label).localeCompare(b.startedAt + b.label));
  const status = isObject(s.status) ? s.status : {};
  const done = raw.filter((b) => b.status === 'DONE');
  const walNames = (w: Json) =>
    Object.values(isObject(w.last_archived_wal_per_timeline) ? w.last_archived_wal_per_timeline : {})
      .map((e) => (isObject(e) ? str(e.name) : undefined))
      .filter((n): n is string => !!n)
      .sort();
  const last = walNames(isObject(s.wals) ? s.wals : {}).at(-1);
  const first = done
    .map((b) => str(b.begin_wal))
    .filter((n): n is string => !!n)
    .sort()[0];
  const newest = done.at(-1) ?? raw.at(-1);
  const serverVersion = str(status.server_txt_version);
  const config = isObject(s.config) ? s.config : {};
  return {
    engineVersion,
    servers,
    basebackupsDirectory: str(config.basebackups_directory),
    databaseBytes: num(status.current_size),
    info: {
      pgVersion: serverVersion ? serverVersion.split('.')[0] : pgMajorOfNum(num(newest?.version)),
      systemId: str(status.postgres_systemid) ?? str(newest?.systemid),
      backups,
      archive:
        first || last
          ? { min: first, max: last ?? first, timeline: last ? parseInt(last.slice(0, 8), 16) : undefined }
          : undefined,
    },
  };
}

/** `barman -f json check SERVER`: ok when every check is OK, else the failing checks with Barman's hints. */
export function parseCheck(text: string, server: string): { ok: boolean; message: string; failed: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, message: `failed: ${text.trim().split('\n').at(-1) || 'no output'}`, failed: [] };
  }
  const errors = jsonMessages(doc, '_ERROR');
  if (errors.length) return { ok: false, message: `failed: ${errors.join('; ')}`, failed: [] };
  const checks = isObject(doc) && isObject(doc[server]) ? doc[server] : undefined;
  if (!checks) return { ok: false, message: `Barman checked no server "${server}".`, failed: [] };
  const failed = Object.entries(checks).filter(([, v]) => isObject(v) && v.status !== 'OK');
  if (!failed.length) return { ok: true, message: 'ok', failed: [] };
  const describe = ([name, v]: [string, unknown]) => {
    const hint = isObject(v) ? str(v.hint) : undefined;
    return `${name.replace(/_/g, ' ')}${hint ? ` (${hint})` : ''}`;
  };
  return { ok: false, message: `failed: ${failed.map(describe).join('; ')}`, failed: failed.map(([n]) => n) };
}

/** `barman -f json list-backups SERVER`: id, status and Barman's retention verdict (OBSOLETE, VALID, …). */
export function parseListBackups(text: string, server: string): { id: string; status: string; retention?: string }[] {
  const doc = parseJson(text, 'list-backups');
  const list = isObject(doc) && Array.isArray(doc[server]) ? (doc[server] as unknown[]) : [];
  return list.filter(isObject).map((b) => ({
    id: str(b.backup_id) ?? '',
    status: str(b.status) ?? 'UNKNOWN',
    retention: str(b.retention_status),
  }));
}

/** The `_ERROR` (or `_INFO`, `_WARNING`) lines of Barman's JSON output, [] when there are none or it is not JSON. */
export function jsonMessages(doc: unknown, key: '_ERROR' | '_INFO' | '_WARNING'): string[] {
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  const v = isObject(doc) ? doc[key] : undefined;
  return Array.isArray(v) ? v.filter((m): m is string => typeof m === 'string') : [];
}

/** "3.4.0 Barman by EnterpriseDB (www.enterprisedb.com)" → "3.4.0". */
export function parseBarmanVersion(output: string): string | undefined {
  return /^\s*(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}
