/**
 * Reads `pgbackrest info --output=json` into the engine-neutral RepoInfo: backups with their types, references,
 * sizes, times, LSNs and WAL range, and the archive the repository holds. Pure and fast (one JSON.parse, one pass).
 */
import { PgBackupError } from '../../errors';
import type { RepoBackup, RepoBackupType, RepoInfo, RepoSpec } from '../types';

interface JsonBackup {
  label: string;
  type: string;
  error?: boolean;
  reference?: string[] | null;
  prior?: string | null;
  timestamp: { start: number; stop: number };
  lsn?: { start?: string; stop?: string };
  archive?: { start?: string; stop?: string };
  info?: { size?: number; delta?: number; repository?: { size?: number; delta?: number } };
  database?: { id: number };
}

interface JsonStanza {
  name: string;
  status: { code: number; message: string; lock?: { backup?: { held?: boolean } } };
  db?: { id: number; version: string; 'system-id': string }[];
  repo?: { key: number; status: { code: number; message: string } }[];
  archive?: { id: string; min?: string | null; max?: string | null; database?: { id: number } }[];
  backup?: JsonBackup[];
}

/** pgBackRest's stanza status codes (info.c): 1 missing stanza path, 3 missing stanza data. */
const MISSING_STANZA = new Set([1, 3]);
/** 2 is "no valid backups": the stanza exists, it just has nothing yet. */
const NO_BACKUPS = 2;
/** 99 is "other": the repository could not be read (its own status says why). */
const OTHER = 99;
const TYPES: readonly RepoBackupType[] = ['full', 'diff', 'incr'];

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
const timelineOf = (segment: string | undefined) =>
  segment && /^[0-9A-F]{24}$/.test(segment) ? parseInt(segment.slice(0, 8), 16) : undefined;

function toBackup(b: JsonBackup, versions: Map<number, string>): RepoBackup {
  if (!TYPES.includes(b.type as RepoBackupType))
    throw new PgBackupError(`pgBackRest reported backup ${b.label} of unknown type "${b.type}".`, 'tool-failed');
  const out: RepoBackup = {
    label: b.label,
    type: b.type as RepoBackupType,
    references: b.reference ?? [],
    startedAt: iso(b.timestamp.start),
    stoppedAt: iso(b.timestamp.stop),
  };
  if (b.lsn?.start) out.startLsn = b.lsn.start;
  if (b.lsn?.stop) out.stopLsn = b.lsn.stop;
  if (b.archive?.start) {
    out.walStart = b.archive.start;
    out.timeline = timelineOf(b.archive.start);
  }
  if (b.archive?.stop) out.walStop = b.archive.stop;
  if (b.info?.size !== undefined) out.databaseBytes = b.info.size;
  if (b.info?.delta !== undefined) out.databaseDeltaBytes = b.info.delta;
  if (b.info?.repository?.delta !== undefined) out.repositoryBytes = b.info.repository.delta;
  if (b.info?.repository?.size !== undefined) out.repositoryTotalBytes = b.info.repository.size;
  const pg = b.database ? versions.get(b.database.id) : undefined;
  if (pg) out.pgVersion = pg;
  if (b.error) out.error = 'pgBackRest found errors while copying this backup (page checksums): restore with care.';
  return out;
}

/** The one stanza's JSON object out of the array pgBackRest prints; throws when it has no such stanza. */
function stanzaOf(all: JsonStanza[], repo: RepoSpec): JsonStanza {
  const s = all.find((x) => x.name === repo.name);
  if (!s || MISSING_STANZA.has(s.status.code)) {
    throw new PgBackupError(
      `pgBackRest has no stanza "${repo.name}"${repo.config ? ` in ${repo.config}` : ''}: ${s?.status.message ?? 'not in the info output'}.`,
      'input',
      { hint: 'Check the stanza name (pgbackrest info lists them), or create it with pgbackrest stanza-create.' },
    );
  }
  return s;
}

/**
 * The stanza's status in pgBackRest's words: its own message, or for "other" (code 99, the repository could not be
 * read) the repository's message, first line (`[ProtocolError] HTTP request failed with 403 (Forbidden):`).
 */
function statusMessage(s: JsonStanza): string {
  if (s.status.code !== OTHER) return s.status.message;
  const repo = s.repo
    ?.find((r) => r.status.code !== 0)
    ?.status.message.split('\n')[0]
    .trim();
  return repo || s.status.message;
}

/**
 * Parses the whole output of `pgbackrest --stanza=S info --output=json`. The system id is a 64-bit number that
 * JSON.parse would round: it is quoted before parsing.
 */
export function parseInfoJson(text: string, repo: RepoSpec, engineVersion: string): RepoInfo {
  let all: JsonStanza[];
  try {
    all = JSON.parse(text.replace(/"system-id":(\d+)/g, '"system-id":"$1"'));
  } catch (e) {
    throw new PgBackupError(`pgBackRest's info output is not JSON: ${(e as Error).message}`, 'tool-failed', {
      detail: text.slice(0, 400),
    });
  }
  if (!Array.isArray(all)) throw new PgBackupError("pgBackRest's info output is not a list of stanzas.", 'tool-failed');
  const s = stanzaOf(all, repo);
  const versions = new Map((s.db ?? []).map((d) => [d.id, d.version]));
  const current = s.db?.at(-1);
  const archive = s.archive?.filter((a) => !current || a.database?.id === current.id).at(-1);
  const info: RepoInfo = {
    repo,
    engineVersion,
    status: { ok: s.status.code === 0 || s.status.code === NO_BACKUPS, message: statusMessage(s) },
    backups: (s.backup ?? []).map((b) => toBackup(b, versions)),
    backupRunning: s.status.lock?.backup?.held === true,
  };
  if (current) {
    info.pgVersion = current.version;
    info.systemId = current['system-id'];
  }
  if (archive && (archive.min || archive.max)) {
    info.archive = {
      min: archive.min ?? undefined,
      max: archive.max ?? undefined,
      timeline: timelineOf(archive.max ?? undefined),
    };
  }
  return info;
}
