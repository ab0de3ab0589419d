/**
 * The backup script a schedule runs: pg_dump into `<db>-<YYYYMMDD-HHMMSS>.<ext>` under a `.partial` name,
 * renamed when pg_dump succeeded, a `.pgbackup.json` sidecar with its sha256 (so the Backups tree and
 * `pg-backup verify` can check it), optionally a restore drill of it (`pg-backup verify`, logged where the Backups
 * view reads drills), optionally a copy of it off-site (`pg-backup copy`, then `pg-backup prune` there), then
 * retention: the newest KEEP dumps of this job stay. A failed run (dump, drill or copy) deletes nothing and exits
 * non-zero; two runs never overlap (flock). Every run writes `<job>.status.json`
 * (status-file.ts reads it). No password is ever written into it: libpq reads ~/.pgpass or PGPASSFILE. Pure.
 */
import { dirname } from 'node:path';
import { dumpArgv } from '../dump/argv';
import { backupExtension, safeFileName } from '../dump/naming';
import type { DumpOptions } from '../dump/options';
import { PgBackupError } from '../errors';
import { shQuote } from '../pitr/quote';

export interface BackupScriptInput {
  /** The job's name (file names, lock, log lines), e.g. pg-backup-shop. */
  job: string;
  database: string;
  /** "host:port" of the server, recorded in each run's sidecar. */
  server: string;
  /** Password-free conninfo. */
  conninfo: string;
  pgDump: string;
  pgDumpVersion: string;
  pgDumpMajor: number;
  /** pg_restore of the same set: reads the server version out of an archive for the sidecar. */
  pgRestore?: string;
  options: DumpOptions;
  backupDir: string;
  keep: number;
  /** When it was generated (shown in the header). */
  generated: Date;
  /** A restore drill after each good dump (or the first of the day/week). */
  verify?: ScriptVerify;
  /** A copy of each good dump (after its drill) to a folder or bucket. */
  copy?: ScriptCopy;
}

/** The pg-backup CLI a job runs (drills, copies): node's and the CLI's absolute paths when it was generated. */
export interface JobCli {
  node: string;
  cli: string;
  /** The command that writes this job again (shown when the CLI moved). */
  regenerate: string;
  /** `node` is Electron (desktop VS Code): the job runs it as plain Node with ELECTRON_RUN_AS_NODE=1 (cli-runtime.ts). */
  runAsNode?: boolean;
}

export const VERIFY_WHEN = ['every', 'daily', 'weekly'] as const;
export type VerifyWhen = (typeof VERIFY_WHEN)[number];

/** The drill runs `node cli verify`. */
export interface ScriptVerify extends JobCli {
  when: VerifyWhen;
  /** Where the drill is logged (`.pgbackup/drills.jsonl` under it); the backup folder when undefined. */
  logDir?: string;
  /** Password-free conninfo of a server for a scratch database; a throwaway cluster without it. */
  conninfo?: string;
}

/** `node cli copy <dump> <to>`, then `node cli prune <to> --keep N` when `keep` is set. Credentials: never here. */
export interface ScriptCopy extends JobCli {
  /** An absolute folder path or `s3://bucket/prefix`. */
  to: string;
  /** Flags passed to copy and prune as they are (--endpoint URL, --region R, --path-style, --profile P). */
  flags: readonly string[];
  /** Off-site retention: the newest N of each database stay at `to`. */
  keep?: number;
}

/** Formats whose backup is one file: one file per run keeps the script's retention and checksum simple. */
export const SCHEDULE_FORMATS = ['custom', 'plain', 'tar'] as const;

/** An ERE matching `text` literally (for the job's file names in the retention step). */
const ere = (text: string) => text.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');

/** printf's format: a literal % is %%. */
const printfLiteral = (text: string) => text.replace(/%/g, '%%').replace(/\\/g, '\\\\');

export function renderBackupScript(i: BackupScriptInput): string {
  if (!(SCHEDULE_FORMATS as readonly string[]).includes(i.options.format)) {
    throw new PgBackupError(
      `A scheduled backup writes one file per run: use --format custom, plain or tar, not ${i.options.format}.`,
      'usage',
    );
  }
  if (!Number.isInteger(i.keep) || i.keep < 1)
    throw new PgBackupError(`--keep must be a whole number of at least 1, not ${i.keep}.`, 'usage');
  if (i.copy?.keep !== undefined && (!Number.isInteger(i.copy.keep) || i.copy.keep < 1))
    throw new PgBackupError(`--copy-keep must be a whole number of at least 1, not ${i.copy.keep}.`, 'usage');
  const jobCli = i.verify ?? i.copy;
  const ext = backupExtension(i.options.format, i.options.compression);
  const prefix = `${safeFileName(i.database)}-`;
  // dumpArgv's -v feeds the extension's progress bar; a scheduled run logs its own lines instead.
  const dumpArgs = dumpArgv({ options: i.options, conninfo: i.conninfo, file: '@PARTIAL@', pgDumpMajor: i.pgDumpMajor })
    .filter((a) => a !== '-v' && !a.startsWith('--dbname=') && a !== '--file=@PARTIAL@')
    .map(shQuote)
    .join(' ');
  // The sidecar's JSON as a printf format: literal parts escaped, %s where the run fills in what it measured.
  const HOLE = Symbol('value');
  const sidecarParts = [
    `{"tool":"pg-backup","format":${JSON.stringify(i.options.format)},"database":${JSON.stringify(i.database)},`,
    `"server":${JSON.stringify(i.server)},"serverVersion":"`,
    HOLE,
    `","pgDumpVersion":${JSON.stringify(i.pgDumpVersion)},"options":${JSON.stringify(i.options)},"started":"`,
    HOLE,
    '","durationMs":',
    HOLE,
    ',"bytes":',
    HOLE,
    ',"sha256":"',
    HOLE,
    `","scheduledBy":${JSON.stringify(i.job)}}`,
  ];
  const sidecarFormat = sidecarParts.map((p) => (p === HOLE ? '%s' : printfLiteral(p as string))).join('') + '\\n';
  const serverVersion =
    i.options.format === 'plain'
      ? `server_version=$(head -c 4096 "$file" | sed -n 's/^-- Dumped from database version //p' | head -n 1) || server_version=''`
      : i.pgRestore
        ? `server_version=$("$PG_RESTORE" -l "$file" | sed -n 's/^;[[:space:]]*Dumped from database version: //p' | head -n 1) || server_version=''`
        : `server_version=''`;
  return `#!/usr/bin/env bash
# ${i.job}: scheduled pg_dump of database ${JSON.stringify(i.database)}, generated by pg-backup schedule on ${i.generated.toISOString().slice(0, 10)}.
# Each run writes ${prefix}YYYYMMDD-HHMMSS${ext} into BACKUP_DIR (under a .partial name until pg_dump succeeds) with a
# .pgbackup.json sidecar holding its sha256, then keeps the newest KEEP dumps of this job. A failed run deletes
# nothing and exits non-zero. The password comes from ~/.pgpass or PGPASSFILE, never from this file.
# Each run writes its result to BACKUP_DIR/${i.job}.status.json (pg-backup status shows a failed last run).
${i.verify ? drillComment(i.verify.when) : CHECK_COMMENT}
${i.copy ? copyComment(i.copy) : ''}set -euo pipefail
umask 077

BACKUP_DIR=\${PGBACKUP_BACKUP_DIR:-${shQuote(i.backupDir)}}
KEEP=\${PGBACKUP_KEEP:-${i.keep}}
PG_DUMP=${shQuote(i.pgDump)}
${i.pgRestore && i.options.format !== 'plain' ? `PG_RESTORE=${shQuote(i.pgRestore)}\n` : ''}CONNINFO=${shQuote(i.conninfo)}
JOB=${shQuote(i.job)}
PREFIX=${shQuote(prefix)}
EXT=${shQuote(ext)}
STATUS_FILE="$BACKUP_DIR/$JOB.status.json"
DATABASE_JSON=${shQuote(JSON.stringify(i.database))}
SERVER_JSON=${shQuote(JSON.stringify(i.server))}
${jobCli ? cliSettings(jobCli) : ''}${i.verify ? verifySettings(i.verify, i.pgDump) : ''}${i.copy ? copySettings(i.copy) : ''}
${STATUS_FUNCTIONS}
mkdir -p "$BACKUP_DIR"
exec 9>"$BACKUP_DIR/.$JOB.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
  log "the previous run is still going; skipping this one"
  exit 75
fi

work=$(mktemp -d "\${TMPDIR:-/tmp}/$JOB.XXXXXX")
started=$(now)
file=''
wrote=''
partial=''
step='starting'
reason=''
drill=''
drill_detail=''
copy=''
copy_detail=''
last_drill=$(sed -n 's/^  "lastDrill": \\({.*}\\),$/\\1/p' "$STATUS_FILE" 2>/dev/null || true)
trap finish EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
${jobCli ? CLI_CHECK : ''}
file="$BACKUP_DIR/$PREFIX$(date +%Y%m%d-%H%M%S)$EXT"
# Two runs in one second would share the name: wait for a name no backup has (one is never overwritten).
while [ -e "$file" ] || [ -e "$file.partial" ]; do
  sleep 1
  file="$BACKUP_DIR/$PREFIX$(date +%Y%m%d-%H%M%S)$EXT"
done
partial="$file.partial"
t0=$(date +%s)
step='pg_dump'
log "dumping to $file"
run_logged "$PG_DUMP" --dbname="$CONNINFO" --file="$partial" ${dumpArgs}
mv "$partial" "$file"
partial=''
wrote="$file"
step='writing the sidecar'

bytes=$(wc -c <"$file" | tr -d ' ')
sha=$( (sha256sum "$file" 2>/dev/null || shasum -a 256 "$file") | cut -d ' ' -f 1)
${serverVersion}
printf ${shQuote(sidecarFormat)} "$server_version" "$started" "$(( ($(date +%s) - t0) * 1000 ))" "$bytes" "$sha" >"$file.pgbackup.json.tmp"
mv "$file.pgbackup.json.tmp" "$file.pgbackup.json"
log "wrote $file ($bytes bytes, sha256 $sha)"
${i.verify ? DRILL : ''}${i.copy ? COPY : ''}
# Retention, only after a good dump${i.verify ? ' (and drill)' : ''}${i.copy ? ' and its copy' : ''}: the newest KEEP of this job's dumps stay
# (names sort by time); a dump whose drill failed (<dump>.drill-failed beside it) is neither counted nor removed.
step='retention'
{ ls -1 "$BACKUP_DIR" | grep -E ${shQuote(`^${ere(prefix)}[0-9]{8}-[0-9]{6}${ere(ext)}$`)} || true; } | sort -r |
  while IFS= read -r f; do if [ ! -e "$BACKUP_DIR/$f.drill-failed" ]; then printf '%s\\n' "$f"; fi; done |
  tail -n +$((KEEP + 1)) |
  while IFS= read -r old; do
    rm -f -- "$BACKUP_DIR/$old" "$BACKUP_DIR/$old.pgbackup.json"
    log "removed $old (keeping the newest $KEEP)"
  done
`;
}

const CHECK_COMMENT =
  '# Check a dump with: pg-backup verify <file>   (restores it into a throwaway cluster and counts the rows)';

function drillComment(when: VerifyWhen): string {
  const which = when === 'every' ? 'each good dump' : `the first good dump of the ${when === 'daily' ? 'day' : 'week'}`;
  return `# After ${which} it runs a restore drill of it with the pg-backup CLI at PGBACKUP_CLI (run by NODE):
# a dump whose drill fails exits non-zero and prunes nothing.`;
}

function copyComment(c: ScriptCopy): string {
  const keep = c.keep === undefined ? '' : ` (then pruned there to the newest ${c.keep} of each database)`;
  return `# Each good dump is then copied to COPY_TO by the same CLI and read back against its sha256${keep}:
# a failed copy exits non-zero and prunes nothing. Credentials: the AWS SDK's chain (environment, ~/.aws), never here.
`;
}

/** Where the CLI that drills and copies is. */
function cliSettings(c: JobCli): string {
  return `NODE=${shQuote(c.node)}
PGBACKUP_CLI=${shQuote(c.cli)}
REGENERATE=${shQuote(c.regenerate)}
${c.runAsNode ? '# NODE is the Electron binary of VS Code, which runs the CLI as plain Node with this set.\nexport ELECTRON_RUN_AS_NODE=1\n' : ''}`;
}

function copySettings(c: ScriptCopy): string {
  return `COPY_TO=\${PGBACKUP_COPY_TO:-${shQuote(c.to)}}
COPY_FLAGS=(${c.flags.map(shQuote).join(' ')})
COPY_KEEP=${c.keep ?? ''}
`;
}

/** The drill's settings in the script; the environment can point the log elsewhere. */
function verifySettings(v: ScriptVerify, pgDump: string): string {
  return `VERIFY=${shQuote(v.when)}
DRILL_LOG_DIR=\${PGBACKUP_DRILL_LOG_DIR:-${v.logDir === undefined ? '$BACKUP_DIR' : shQuote(v.logDir)}}
VERIFY_CONN=${shQuote(v.conninfo ?? '')}
# The drill finds the client tools of the pg_dump above first.
export PGBACKUP_TOOL_FOLDERS=\${PGBACKUP_TOOL_FOLDERS:-${shQuote(dirname(pgDump))}}
`;
}

/** Logging, and the status file every run leaves (finish runs on every exit once the lock is held). */
const STATUS_FUNCTIONS = `now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# Every line the run prints also goes to its run log, whose last 20 lines the status file keeps.
log() {
  local line
  line="$(now) $JOB: $*"
  printf '%s\\n' "$line"
  if [ -n "\${work:-}" ]; then printf '%s\\n' "$line" >>"$work/run.log"; fi
}

# Ends the run: the reason goes to stderr and into the status file.
die() {
  reason=$1
  log "$1" >&2
  exit "$2"
}

# Runs a command and then prints (and logs) what it printed; a failure's stderr stays (its first line is the reason).
run_logged() {
  local rc=0
  "$@" >"$work/out" 2>"$work/err" || rc=$?
  # The drill's progress lines are for a terminal, not for the log.
  grep -v -E '^Drill [0-9]+%: ' "$work/err" >"$work/err.shown" || true
  cat "$work/out"
  cat "$work/err.shown" >&2
  cat "$work/out" "$work/err.shown" >>"$work/run.log"
  if [ "$rc" -eq 0 ]; then : >"$work/err.shown"; fi
  return "$rc"
}

# A JSON string of one line: backslashes and quotes escaped, tabs made spaces, other control characters dropped.
json() {
  printf '"%s"' "$(printf '%s' "$1" | tr '\\t' ' ' | tr -d '\\000-\\037' | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g')"
}

# The status file, written whole (temp file + mv): what this run did, for pg-backup status and people.
write_status() {
  local lines='' l backup=null drill_json=null copy_json=null reason_json=null detail=''
  while IFS= read -r l; do
    lines="$lines\${lines:+,}"$'\\n'"    $(json "$l")"
  done < <(tail -n 20 "$work/run.log" 2>/dev/null)
  if [ -n "$wrote" ] && [ -e "$wrote" ]; then backup=$(json "$wrote"); fi
  if [ -n "$drill_detail" ]; then detail=", \\"detail\\": $(json "$drill_detail")"; fi
  if [ -n "$drill" ]; then drill_json="{\\"result\\": $(json "$drill")$detail}"; fi
  if [ -n "$copy" ]; then
    copy_json="{\\"result\\": $(json "$copy"), \\"to\\": $(json "$COPY_TO")"
    if [ -n "$copy_detail" ]; then copy_json="$copy_json, \\"detail\\": $(json "$copy_detail")"; fi
    copy_json="$copy_json}"
  fi
  if [ -n "$reason" ]; then reason_json=$(json "$reason"); fi
  {
    printf '{\\n  "job": %s,\\n  "database": %s,\\n  "server": %s,\\n' "$(json "$JOB")" "$DATABASE_JSON" "$SERVER_JSON"
    printf '  "started": "%s",\\n  "finished": "%s",\\n  "exitCode": %s,\\n' "$started" "$(now)" "$1"
    printf '  "backup": %s,\\n  "drill": %s,\\n  "copy": %s,\\n  "reason": %s,\\n' "$backup" "$drill_json" "$copy_json" "$reason_json"
    printf '  "lastDrill": %s,\\n  "output": [%s\\n  ]\\n}\\n' "\${last_drill:-null}" "$lines"
  } >"$STATUS_FILE.tmp.$$" && mv -f "$STATUS_FILE.tmp.$$" "$STATUS_FILE"
}

finish() {
  local rc=$? last
  set +e
  if [ -n "$partial" ]; then rm -f "$partial"; fi
  if [ "$rc" -ne 0 ] && [ -z "$reason" ]; then
    reason="$step failed (exit $rc)"
    last=$(grep -v '^[[:space:]]*$' "$work/err.shown" 2>/dev/null | head -n 1)
    if [ -n "$last" ]; then reason="$reason: $last"; fi
  fi
  write_status "$rc" || log "could not write $STATUS_FILE" >&2
  rm -rf "$work"
  exit "$rc"
}
`;

/** With a drill, the CLI that runs it must still be where it was when it generated the job. */
const CLI_CHECK = `step='checking the pg-backup CLI'
if [ ! -x "$NODE" ]; then
  die "node is not at $NODE any more (this job runs the pg-backup CLI with it). Regenerate the job: $REGENERATE" 3
fi
if [ ! -f "$PGBACKUP_CLI" ]; then
  die "the pg-backup CLI is not at $PGBACKUP_CLI any more (it generated this job). Regenerate the job: $REGENERATE" 3
fi
`;

/** The restore drill of the new dump (daily/weekly: unless one passed this day/week); a failure prunes nothing. */
const DRILL = `
case $VERIFY in
  daily) period=$(date +%F) ;;
  weekly) period=$(date +%G-W%V) ;;
  *) period='' ;;
esac
last_period=$(printf '%s' "$last_drill" | sed -n 's/.*"period": "\\([^"]*\\)".*/\\1/p')
if [ -n "$period" ] && [ "$last_period" = "$period" ]; then
  drill='skipped'
  drill_detail="a drill of this job passed in $period already"
  log "restore drill skipped: $drill_detail"
else
  step='the restore drill'
  log "restore drill of $file"
  drill_cmd=("$NODE" "$PGBACKUP_CLI" verify "$file" --log "$DRILL_LOG_DIR")
  if [ -n "$VERIFY_CONN" ]; then drill_cmd+=(--conn "$VERIFY_CONN"); fi
  drill_rc=0
  run_logged "\${drill_cmd[@]}" || drill_rc=$?
  # verify: 1 the drill found a problem, 2 the dump is unreadable (both: this dump is bad), 3 it could not run.
  case $drill_rc in
    0) drill='passed' ;;
    1) drill='failed'; drill_detail=$(sed -n '/^Problems:$/{n;s/^  - //p;q;}' "$work/out") ;;
    2) drill='failed'; drill_detail=$(sed -n 's/^pg-backup verify: //p' "$work/err.shown" | head -n 1) ;;
    *) drill='could not run'; drill_detail=$(sed -n 's/^pg-backup verify: //p' "$work/err.shown" | head -n 1) ;;
  esac
  drill_detail=\${drill_detail%.}
  if [ "$drill" = failed ]; then
    # Kept as evidence and left out of retention, so it never takes the place of a good backup.
    printf '%s\\n' "$drill_detail" >"$file.drill-failed"
  fi
  if [ "$drill_rc" -ne 0 ]; then
    die "the restore drill of $file $drill: \${drill_detail:-exit $drill_rc}; no backup was pruned" \\
      "$([ "$drill" = failed ] && echo 1 || echo 3)"
  fi
  last_drill="{\\"at\\": \\"$(now)\\", \\"period\\": \\"$period\\"}"
  log "restore drill passed (logged in $DRILL_LOG_DIR/.pgbackup)"
fi
`;

/** The copy of the new dump off-site, then retention there; a failure prunes nothing (here or there). */
const COPY = `
step='the off-site copy'
log "copying $file to $COPY_TO"
copy_rc=0
run_logged "$NODE" "$PGBACKUP_CLI" copy "$file" "$COPY_TO" "\${COPY_FLAGS[@]}" || copy_rc=$?
if [ "$copy_rc" -ne 0 ]; then
  copy='failed'
  copy_detail=$(sed -n 's/^pg-backup copy: //p' "$work/err.shown" | head -n 1)
  copy_detail=\${copy_detail%.}
  die "the copy of $file to $COPY_TO failed: \${copy_detail:-exit $copy_rc}; no backup was pruned" 3
fi
# Read back and compared with the sidecar's sha256 (recorded in it): only a verified copy counts in pg-backup status.
step="the off-site copy's read-back"
check_rc=0
run_logged "$NODE" "$PGBACKUP_CLI" copy --verify-only "$file" "$COPY_TO" "\${COPY_FLAGS[@]}" || check_rc=$?
if [ "$check_rc" -ne 0 ]; then
  copy='failed'
  # A mismatch is told on stdout (exit 1), a failure to read on stderr.
  copy_detail=$({ grep -v '^[[:space:]]*$' "$work/err.shown" || true; cat "$work/out"; } | sed 's/^pg-backup copy: //' | head -n 1)
  copy_detail="\${copy_detail:-exit $check_rc}"
  copy_detail=\${copy_detail%.}
  die "the copy of $file at $COPY_TO failed its read-back: $copy_detail; no backup was pruned" 3
fi
copy='copied'
log "copied $file to $COPY_TO (read back, sha256 matched)"
if [ -n "$COPY_KEEP" ]; then
  step='off-site retention'
  prune_rc=0
  run_logged "$NODE" "$PGBACKUP_CLI" prune "$COPY_TO" --keep "$COPY_KEEP" "\${COPY_FLAGS[@]}" || prune_rc=$?
  if [ "$prune_rc" -ne 0 ]; then
    copy='copied, prune failed'
    copy_detail=$(sed -n 's/^pg-backup prune: //p' "$work/err.shown" | head -n 1)
    copy_detail=\${copy_detail%.}
    die "pruning $COPY_TO failed: \${copy_detail:-exit $prune_rc}; no local backup was pruned" 3
  fi
fi
`;
