/**
 * RPO/RTO status of 50 databases over 1,000 backups (generated sidecars, 20 per database, in two folders) and
 * their drill logs (one drill of every other backup, each a full drill result with 20 tables). Target < 200 ms.
 * Besides the wall time it prints each run's CPU time (this thread and libuv's) and garbage-collector time: on a
 * loaded machine a run's wall time is mostly waiting for a core, which the CPU time tells apart.
 * Run: npx tsx bench/status.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { readStatus } from '../src/core/status/read-status';

const DATABASES = 50;
const BACKUPS = 1000;
const RUNS = 21;
const HOUR = 3_600_000;

function drillLine(path: string, database: string, startedAt: Date, passed: boolean): string {
  const tables = Array.from({ length: 20 }, (_, i) => ({ schema: 'public', name: `table_${i}`, rows: 1000 * i }));
  return JSON.stringify({
    backup: { path, name: path.split('/').at(-1), format: 'custom', database, serverVersion: '15.18' },
    passed,
    problems: passed ? [] : ['The checksum does not match.'],
    warnings: [],
    startedAt: startedAt.toISOString(),
    durationMs: 4000 + (path.length % 7) * 1000,
    phases: { checksum: 100, prepare: 800, restore: 2500, compare: 300, count: 300 },
    checksum: passed ? 'verified' : 'mismatch',
    where: { kind: 'throwaway-cluster', major: 15, version: '15.18', database, dataDir: 'template-reused' },
    tools: { restore: { name: 'pg_restore', version: '15.18' } },
    restore: { errors: [], errorCount: 0, warningCount: 0 },
    objects: { expected: 60, missing: [], counts: {} },
    tables,
    tablesTruncated: false,
    totalRows: 190_000,
    emptyAfterError: [],
  });
}

function generate(root: string, now: number): string[] {
  const folders = [join(root, 'nightly'), join(root, 'hourly')];
  const logs = new Map<string, string[]>(folders.map((f) => [f, []]));
  for (const f of folders) mkdirSync(join(f, '.pgbackup'), { recursive: true });
  for (let i = 0; i < BACKUPS; i++) {
    const folder = folders[i % 2];
    const database = `db${String(i % DATABASES).padStart(2, '0')}`;
    const started = new Date(now - Math.floor(i / DATABASES) * 6 * HOUR - (i % DATABASES) * 60_000);
    const path = join(folder, `${database}-${i}.dump`);
    writeFileSync(path, 'PGDMP');
    const sidecar = {
      tool: 'pg-backup',
      format: 'custom',
      database,
      server: `10.0.0.${(i % DATABASES) % 3}:5432`,
      serverVersion: '15.18',
      pgDumpVersion: '15.18',
      options: { format: 'custom', compression: { method: 'gzip', level: 6 } },
      started: started.toISOString(),
      durationMs: 12_000,
      bytes: 123_456_789,
      sha256: 'a'.repeat(64),
      ...(i % 5 === 0 ? { verified: { at: new Date(started.getTime() + HOUR).toISOString(), ok: i % 25 !== 0 } } : {}),
    };
    writeFileSync(`${path}.pgbackup.json`, JSON.stringify(sidecar, null, 2) + '\n');
    const drilled = new Date(started.getTime() + HOUR);
    if (i % 2 === 0) logs.get(folder)!.push(drillLine(path, database, drilled, i % 30 !== 0));
  }
  for (const [f, lines] of logs) writeFileSync(join(f, '.pgbackup', 'drills.jsonl'), lines.join('\n') + '\n');
  return folders;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pgb-bench-status-'));
  try {
    const now = Date.now();
    const folders = generate(root, now);
    const times: number[] = [];
    const cpus: number[] = [];
    const gcs: number[] = [];
    let gc = 0;
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => (gc += e.duration)));
    observer.observe({ entryTypes: ['gc'] });
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      gc = 0;
      const cpu = process.cpuUsage();
      const t = performance.now();
      const override = { rpo: '1d', rto: '10m' };
      const report = await readStatus({ backupFolders: folders, logFolders: [], servers: [], override, now });
      times.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
      await new Promise((resolve) => setImmediate(resolve)); // the observer is told after the run
      gcs.push(gc);
      rows = report.rows.length;
      if (rows < DATABASES || report.rows.some((x) => x.rpo.verdict === 'unset')) throw new Error('wrong status');
    }
    observer.disconnect();
    const first = times[0];
    const worst = times.indexOf(Math.max(...times));
    const f = (n: number) => `${n.toFixed(1)} ms`;
    const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
    const [t, c, g] = [sorted(times), sorted(cpus), sorted(gcs)];
    console.log(
      `status of ${rows} server+database rows over ${BACKUPS} backups and ${BACKUPS / 2} drills, ${RUNS} runs: ` +
        `median ${f(t[RUNS >> 1])}, best ${f(t[0])}, worst ${f(t[RUNS - 1])}, first ${f(first)} (target < 200 ms)\n` +
        `  CPU per run: median ${f(c[RUNS >> 1])}, worst ${f(c[RUNS - 1])}; GC per run: median ${f(g[RUNS >> 1])}, ` +
        `worst ${f(g[RUNS - 1])}; the worst run (#${worst + 1}): wall ${f(times[worst])}, CPU ${f(cpus[worst])}, ` +
        `GC ${f(gcs[worst])}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
