/**
 * Reading a Barman server and a WAL-G repository with 100 backups each: the `barman diagnose` recorded from Barman
 * 3.4 (test/fixtures/barman/) and the `wal-g backup-list --json --detail` fixture (test/fixtures/walg/), grown to
 * 100 backups, parsed into the engine-neutral backups. Measures our own CPU (process.cpuUsage) beyond the engine's
 * call, which is Barman's (or WAL-G's) to spend. Target (issue 16): < 50 ms.
 *
 *   npx tsx bench/repo-barman-info.ts          # PGB_BENCH_RUNS=20
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDiagnose } from '../src/core/engines/barman/parse';
import { parseWalgBackupList } from '../src/core/engines/walg/backup-list';
import { median } from './support/median';

const RUNS = Number(process.env.PGB_BENCH_RUNS ?? 20);
const BACKUPS = 100;
const fixture = (...p: string[]) => readFileSync(join(__dirname, '..', 'test', 'fixtures', ...p), 'utf8');

/** The recorded server with its finished backup repeated a day apart (ids, times, WAL moved on), to 100. */
function grownDiagnose(): string {
  const doc = JSON.parse(fixture('barman', 'diagnose.json'));
  const server = doc.servers.pg;
  const first = server.backups['20261202T032402'];
  const backups: Record<string, unknown> = {};
  const t0 = Date.parse(first.begin_time);
  for (let i = 0; i < BACKUPS; i++) {
    const begin = new Date(t0 - (BACKUPS - i) * 86_400_000);
    const id = begin.toISOString().replace(/[-:]/g, '').slice(0, 15);
    const wal = `0000000100000000000000${(i + 4).toString(16).toUpperCase().padStart(2, '0')}`;
    backups[id] = {
      ...first,
      backup_id: id,
      begin_time: begin.toISOString().replace('Z', '+00:00'),
      end_time: new Date(begin.getTime() + 3000).toISOString().replace('Z', '+00:00'),
      begin_wal: wal,
      end_wal: wal,
    };
  }
  return JSON.stringify({ ...doc, servers: { pg: { ...server, backups } } }, null, 4);
}

/** The fixture's full + two deltas repeated with new WAL names, to 100. */
function grownWalgList(): string {
  const [full, d1, d2] = JSON.parse(
    fixture('walg', 'backup-list-detail.json').replace(/("system_identifier"\s*:\s*)(\d+)/g, '$1"$2"'),
  );
  const rows = [];
  for (let i = 0; rows.length < BACKUPS; i++) {
    const seg = (k: number) => `0000000100000000000${(i * 4 + k + 0x100).toString(16).toUpperCase()}`.slice(-24);
    const day = (k: number) => new Date(Date.parse(full.start_time) + (i * 4 + k) * 86_400_000).toISOString();
    rows.push({
      ...full,
      backup_name: `base_${seg(0)}`,
      wal_file_name: seg(0),
      start_time: day(0),
      finish_time: day(0),
    });
    rows.push({
      ...d1,
      backup_name: `base_${seg(1)}_D_${seg(0)}`,
      wal_file_name: seg(1),
      start_time: day(1),
      finish_time: day(1),
    });
    rows.push({
      ...d2,
      backup_name: `base_${seg(2)}_D_${seg(1)}`,
      wal_file_name: seg(2),
      start_time: day(2),
      finish_time: day(2),
    });
  }
  return JSON.stringify(rows.slice(0, BACKUPS)).replace(/("system_identifier":)"(\d+)"/g, '$1$2');
}

function measure(name: string, text: string, parse: (t: string) => number): void {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    count = parse(text);
    const used = process.cpuUsage(cpu);
    times.push((used.user + used.system) / 1000);
  }
  if (count !== BACKUPS) throw new Error(`${name}: read ${count} backups, not ${BACKUPS}`);
  const kb = (Buffer.byteLength(text) / 1024).toFixed(0);
  console.log(
    `${name}: ${BACKUPS} backups (${kb} KB): median ${median(times).toFixed(2)} ms CPU, first ${times[0].toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms (${RUNS} runs)`,
  );
}

measure('barman diagnose', grownDiagnose(), (t) => parseDiagnose(t, 'pg').info.backups.length);
measure('wal-g backup-list', grownWalgList(), (t) => parseWalgBackupList(t).backups.length);
