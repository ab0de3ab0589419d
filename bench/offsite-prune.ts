/**
 * Off-site retention: `pg-backup prune --dry-run` of a folder destination holding 1,000 backups (10 databases, 100
 * each, every one with its sidecar), and the plan alone for 10,000. Target: the plan adds nothing a user notices to
 * the listing (< 50 ms for 10,000); the dry run of 1,000 under 1 s.
 * Run: npx tsx bench/offsite-prune.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDestination } from '../src/core/offsite/destination';
import { planRetention, pruneDestination } from '../src/core/offsite/retention';
import type { RemoteBackup } from '../src/core/offsite/types';

const D = 86_400_000;
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sidecar(db: string, started: Date) {
  return {
    tool: 'pg-backup',
    format: 'custom',
    database: db,
    server: 'db1:5432',
    serverVersion: '15.18',
    pgDumpVersion: '15.18',
    options: { format: 'custom' },
    started: started.toISOString(),
    durationMs: 1,
    bytes: 16,
    sha256: 'a'.repeat(64),
  } as const;
}

async function main(): Promise<void> {
  const now = Date.now();
  const many: RemoteBackup[] = Array.from({ length: 10_000 }, (_, i) => {
    const created = new Date(now - (i / 10) * D);
    const s = sidecar(`db${i % 10}`, created);
    return {
      destination: '/d',
      name: `db${i % 10}-${i}.dump`,
      location: `/d/db${i % 10}-${i}.dump`,
      kind: 'dump',
      format: 'custom',
      sizeBytes: 16,
      modified: created,
      created,
      database: s.database,
      server: s.server,
      sidecar: s,
      sha256: s.sha256,
    };
  });
  const planMs: number[] = [];
  for (let r = 0; r < 3; r++) planRetention('/d', many, { keep: 30, keepDays: 7 }, now); // warm-up (JIT)
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    planRetention('/d', many, { keep: 30, keepDays: 7 }, now);
    planMs.push(performance.now() - t);
  }
  console.log(`plan of 10,000 backups (keep 30 and 7 days): median ${median(planMs).toFixed(1)} ms of ${RUNS}`);

  const dir = mkdtempSync(join(tmpdir(), 'pgb-bench-prune-'));
  try {
    for (let i = 0; i < 1000; i++) {
      const name = `db${i % 10}-${i}.dump`;
      writeFileSync(join(dir, name), 'PGDMP-bench-data');
      writeFileSync(join(dir, `${name}.pgbackup.json`), JSON.stringify(sidecar(`db${i % 10}`, new Date(now - i * D))));
    }
    const dryMs: number[] = [];
    let deleting = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const { plan } = await pruneDestination({ destination: parseDestination(dir), rule: { keep: 7 }, dryRun: true });
      dryMs.push(performance.now() - t);
      deleting = plan.items.filter((i) => i.action === 'delete').length;
    }
    console.log(
      `prune --dry-run of a folder with 1,000 backups: median ${median(dryMs).toFixed(1)} ms of ${RUNS} (${deleting} would go)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
