/**
 * RPO and RTO status per server and database, computed from what exists — the backups in the folders, the drill
 * logs, the servers' WAL archiving — not from what was scheduled. Pure: the clock and every fact come in.
 */
import type { BackupEntry } from '../backups/catalog';
import type { LastDrill } from '../drill/drill-log';
import type { JobStatus } from '../schedule/status-file';
import { formatSpan } from './duration';
import { offsiteOf, type OffsiteMeasure } from './offsite';
import type { Targets } from './targets';
import { verdictOf, type Verdict } from './verdict';

/** A drill older than the newest backup by more than this no longer proves the restore time. */
export const PROOF_MAX_LAG_MS = 7 * 86_400_000;

/** What is known of a server's WAL archiving (from pg_stat_archiver, or from its archive folder). */
export interface WalState {
  source: 'pg_stat_archiver' | 'archive folder';
  /** archive_mode is on (always true for an archive folder). */
  archiving: boolean;
  archiveDir?: string;
  lastArchivedWal?: string;
  /** ISO 8601. */
  lastArchivedAt?: string;
  lastFailedWal?: string;
  lastFailedAt?: string;
}

/** A server named with --conn (or a saved connection): its address, its databases when it could be asked. */
export interface ServerFacts {
  /** How the user named it (connection name or address). */
  label: string;
  /** "host:port", as dump sidecars record it. */
  address: string;
  databases?: string[];
  major?: number;
  wal?: WalState;
  /** Why it could not be asked (the rows still show what the folders hold). */
  problem?: string;
}

export interface StatusInputs {
  now: number;
  backups: readonly BackupEntry[];
  /** The newest drill of each backup, by path (readLastDrills). */
  drills: ReadonlyMap<string, LastDrill>;
  servers: readonly ServerFacts[];
  /** The last run of each scheduled job found in the backup folders (readJobStatuses). */
  jobs?: readonly JobStatus[];
  targets(server: ServerFacts | undefined, database: string): Targets;
}

export interface Measure {
  targetMs?: number;
  valueMs?: number;
  verdict: Verdict;
  /** What the value measures: "newest good backup", "last archived WAL", "newest successful drill". */
  basis: string;
  /** "never proven", "proof is old", "no good backup", "archiving failing since …". */
  note?: string;
}

export interface BackupRef {
  path: string;
  name: string;
  /** ISO 8601. */
  created: string;
  ageMs: number;
}

export interface DrillRef {
  path: string;
  passed: boolean;
  /** ISO 8601. */
  startedAt: string;
  /** The drill's measured restore time. */
  durationMs: number;
  problem?: string;
}

export interface DatabaseStatus {
  /** "host:port"; undefined when the backups do not name it (older sidecars, archive headers). */
  server?: string;
  /** The --conn / saved connection it belongs to. */
  connection?: string;
  database: string;
  /** Dumps of it found, and how many of them do not count as good (checksum missing or mismatched, drill failed). */
  backups: number;
  rejected: number;
  newestGood?: BackupRef & { checksum: 'verified' | 'recorded' };
  /** The newest drill of any of its backups, and the newest that passed (the RTO's proof). */
  drill?: DrillRef;
  proof?: DrillRef;
  /** Where WAL archiving is set up: the last archived WAL and, beside it, the newest base backup. */
  wal?: WalState & { ageMs?: number; baseBackup?: BackupRef };
  rpo: Measure;
  rto: Measure;
  /** The last run of its scheduled job (the newest, when several back it up). */
  scheduledJob?: ScheduledJobRef;
  /**
   * The newest verified off-site copy of a good backup, against the RPO target (offsite.ts). Absent for a backup
   * repository's row: where its engine keeps the backups (a bucket, another host) is the engine's configuration.
   */
  offsite?: OffsiteMeasure;
}

export interface ScheduledJobRef {
  job: string;
  ok: boolean;
  /** ISO 8601: when the last run ended. */
  finished: string;
  ageMs: number;
  exitCode: number;
  /** Why it failed; also "scheduled job failed 2h ago: <reason>" in `failure`, as every surface shows it. */
  reason?: string;
  failure?: string;
  statusFile: string;
}

const ms = (iso: string) => new Date(iso).getTime();

/** The newest check of a dump's sha256: Verify Checksum (kept in the sidecar) or a drill. */
function lastChecksumCheck(e: BackupEntry, drill: LastDrill | undefined): { at: string; ok: boolean } | undefined {
  const checks = [e.sidecar?.verified];
  if (drill?.checksum === 'verified' || drill?.checksum === 'mismatch') {
    checks.push({ at: drill.startedAt, ok: drill.checksum === 'verified' });
  }
  return checks.filter((c) => !!c).sort((a, b) => ms(b.at) - ms(a.at))[0];
}

/**
 * A good backup: a dump with its sha256 recorded, matching when it was last checked (never checked counts), and
 * whose last drill, if any, did not fail.
 */
export function isGoodBackup(e: BackupEntry, drill: LastDrill | undefined): boolean {
  if (e.kind !== 'dump' || e.checksum !== 'recorded') return false;
  if (drill && !drill.passed) return false;
  return lastChecksumCheck(e, drill)?.ok !== false;
}

interface Row {
  server?: ServerFacts;
  address?: string;
  database: string;
  dumps: BackupEntry[];
  drills: (LastDrill & { path: string })[];
  job?: JobStatus;
}

const keyOf = (address: string | undefined, database: string) => `${address ?? ''}\u0000${database}`;

/** Rows per server and database: the servers' databases, then every database the backups name. */
function buildRows(inputs: StatusInputs): Row[] {
  const rows = new Map<string, Row>();
  const row = (address: string | undefined, database: string): Row => {
    const key = keyOf(address, database);
    let r = rows.get(key);
    if (!r) {
      const server = inputs.servers.find((s) => s.address === address);
      rows.set(key, (r = { server, address, database, dumps: [], drills: [] }));
    }
    return r;
  };
  for (const s of inputs.servers) for (const db of s.databases ?? []) row(s.address, db);
  const byPath = new Map<string, Row>();
  const add = (r: Row, b: BackupEntry) => {
    r.dumps.push(b);
    byPath.set(b.path, r);
  };
  const dumps = inputs.backups.filter((b) => b.kind === 'dump' && b.database);
  for (const b of dumps.filter((d) => d.sidecar?.server)) add(row(b.sidecar!.server, b.database!), b);
  // A dump that does not name its server (older sidecars, archive headers) belongs to the one row of its
  // database if there is exactly one, else to the one server asked about, if only one was.
  const sole = inputs.servers.length === 1 ? inputs.servers[0].address : undefined;
  for (const b of dumps.filter((d) => !d.sidecar?.server)) {
    add(onlyRowOf(rows, b.database!) ?? row(sole, b.database!), b);
  }
  const listed = new Set(inputs.backups.map((b) => b.path));
  for (const [path, d] of inputs.drills) {
    // The drill of a backup pruned since still proves a restore time for its database.
    const pruned = !listed.has(path) && d.database ? onlyRowOf(rows, d.database) : undefined;
    (byPath.get(path) ?? pruned)?.drills.push({ ...d, path });
  }
  // A job's row exists even before its first good backup (that is when a failing job matters most).
  for (const j of inputs.jobs ?? []) {
    const r = row(j.server, j.database);
    if (!r.job || ms(j.finished) > ms(r.job.finished)) r.job = j;
  }
  return [...rows.values()];
}

function onlyRowOf(rows: Map<string, Row>, database: string): Row | undefined {
  const same = [...rows.values()].filter((r) => r.database === database);
  return same.length === 1 ? same[0] : undefined;
}

const ref = (e: BackupEntry, now: number): BackupRef => ({
  path: e.path,
  name: e.name,
  created: e.created.toISOString(),
  ageMs: now - e.created.getTime(),
});

const drillRef = (d: LastDrill & { path: string }): DrillRef => ({
  path: d.path,
  passed: d.passed,
  startedAt: d.startedAt,
  durationMs: d.durationMs,
  ...(d.problem ? { problem: d.problem } : {}),
});

function newestBaseBackup(inputs: StatusInputs, server: ServerFacts | undefined): BackupEntry | undefined {
  // Base backups do not name their server; the newest of the server's major (or any, when it is unknown) is shown.
  return inputs.backups.find(
    (b) => b.kind === 'basebackup' && (server?.major === undefined || b.base?.serverMajor === server.major),
  );
}

type RpoPart = Pick<DatabaseStatus, 'rpo' | 'wal'>;

function rpoOf(r: Row, good: BackupEntry | undefined, inputs: StatusInputs, t: Targets): RpoPart {
  const wal = r.server?.wal;
  if (wal?.archiving && wal.lastArchivedAt) {
    const ageMs = inputs.now - ms(wal.lastArchivedAt);
    const base = newestBaseBackup(inputs, r.server);
    const failing = wal.lastFailedAt && ms(wal.lastFailedAt) > ms(wal.lastArchivedAt);
    return {
      wal: { ...wal, ageMs, ...(base ? { baseBackup: ref(base, inputs.now) } : {}) },
      rpo: {
        targetMs: t.rpoMs,
        valueMs: ageMs,
        verdict: verdictOf(ageMs, t.rpoMs),
        basis: 'last archived WAL',
        ...(failing ? { note: `archiving failing since ${wal.lastFailedAt} (${wal.lastFailedWal})` } : {}),
      },
    };
  }
  const valueMs = good ? inputs.now - good.created.getTime() : undefined;
  return {
    ...(wal ? { wal } : {}),
    rpo: {
      targetMs: t.rpoMs,
      valueMs,
      verdict: verdictOf(valueMs, t.rpoMs),
      basis: 'newest good backup',
      ...(good ? {} : { note: r.dumps.length ? 'no good backup' : 'no backup' }),
    },
  };
}

function rtoOf(r: Row, proof: (LastDrill & { path: string }) | undefined, t: Targets): Measure {
  const basis = 'newest successful drill';
  if (!proof) return { targetMs: t.rtoMs, verdict: verdictOf(undefined, t.rtoMs), basis, note: 'never proven' };
  const newestBackup = r.dumps[0]?.created.getTime();
  const old = newestBackup !== undefined && newestBackup - ms(proof.startedAt) > PROOF_MAX_LAG_MS;
  const verdict = verdictOf(proof.durationMs, t.rtoMs);
  return {
    targetMs: t.rtoMs,
    valueMs: proof.durationMs,
    // An old proof is at best amber: the restore time of today's backups is no longer measured.
    verdict: old && verdict === 'green' ? 'amber' : verdict,
    basis,
    ...(old ? { note: 'proof is old' } : {}),
  };
}

function jobRef(j: JobStatus, now: number): ScheduledJobRef {
  const ageMs = now - ms(j.finished);
  const reason = j.ok ? undefined : (j.reason ?? `exit ${j.exitCode}`);
  return {
    job: j.job,
    ok: j.ok,
    finished: j.finished,
    ageMs,
    exitCode: j.exitCode,
    ...(reason ? { reason, failure: `scheduled job failed ${formatSpan(ageMs)} ago: ${reason}` } : {}),
    statusFile: j.path,
  };
}

function checksumOf(e: BackupEntry, inputs: StatusInputs): 'verified' | 'recorded' {
  return lastChecksumCheck(e, inputs.drills.get(e.path)) ? 'verified' : 'recorded';
}

/** The status of every server and database, sorted by server then database. */
export function computeStatus(inputs: StatusInputs): DatabaseStatus[] {
  const newestFirst = (a: { startedAt: string }, b: { startedAt: string }) => ms(b.startedAt) - ms(a.startedAt);
  return buildRows(inputs)
    .map((r): DatabaseStatus => {
      r.dumps.sort((a, b) => b.created.getTime() - a.created.getTime());
      const good = r.dumps.filter((d) => isGoodBackup(d, inputs.drills.get(d.path)));
      const drills = r.drills.sort(newestFirst);
      const proof = drills.find((d) => d.passed);
      const t = inputs.targets(r.server, r.database);
      const newest = good[0];
      return {
        ...(r.address ? { server: r.address } : {}),
        ...(r.server ? { connection: r.server.label } : {}),
        database: r.database,
        backups: r.dumps.length,
        rejected: r.dumps.length - good.length,
        ...(newest ? { newestGood: { ...ref(newest, inputs.now), checksum: checksumOf(newest, inputs) } } : {}),
        ...(drills[0] ? { drill: drillRef(drills[0]) } : {}),
        ...(proof ? { proof: drillRef(proof) } : {}),
        ...rpoOf(r, newest, inputs, t),
        rto: rtoOf(r, proof, t),
        ...(r.job ? { scheduledJob: jobRef(r.job, inputs.now) } : {}),
        offsite: offsiteOf(good, inputs.now, t.rpoMs),
      };
    })
    .sort((a, b) => (a.server ?? '').localeCompare(b.server ?? '') || a.database.localeCompare(b.database));
}
