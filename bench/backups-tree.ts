/**
 * The Backups tree's listing: 1,000 backups (custom and tar archives, half with a sidecar) in one folder, with
 * header facts. Target < 150 ms; the header reader must not read the data part (bytes read per header printed).
 * Run: npx tsx bench/backups-tree.ts
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArchiveHeader } from '../src/core/archive/read-archive';
import { listBackups } from '../src/core/backups/catalog';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'archive');
const N = 1000;
const RUNS = 7;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pgb-bench-backups-'));
  try {
    for (let i = 0; i < N; i++) {
      const tar = i % 4 === 3;
      const name = `db${i % 10}-2026${String(1000 + i).slice(1)}.${tar ? 'tar' : 'dump'}`;
      copyFileSync(join(FIXTURES, tar ? 'pg15-tar.tar' : 'pg15-custom-gzip.dump'), join(dir, name));
      if (i % 2 === 0) {
        const sidecar = {
          tool: 'pg-backup',
          format: tar ? 'tar' : 'custom',
          database: `db${i % 10}`,
          serverVersion: '15.18',
          pgDumpVersion: '15.18',
          options: { format: tar ? 'tar' : 'custom' },
          started: new Date(2026, 0, 1, 0, i).toISOString(),
          durationMs: 1000,
          bytes: 1,
          sha256: 'a'.repeat(64),
        };
        writeFileSync(join(dir, `${name}.pgbackup.json`), JSON.stringify(sidecar));
      }
    }
    const header = await readArchiveHeader(join(FIXTURES, 'pg15-custom-gzip.dump'));
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const list = await listBackups([dir]);
      times.push(performance.now() - t);
      count = list.length;
      if (list.some((b) => !b.database)) throw new Error('a backup has no database name');
    }
    times.sort((a, b) => a - b);
    console.log(
      `listed ${count} backups: median ${times[RUNS >> 1].toFixed(1)} ms, best ${times[0].toFixed(1)} ms, worst ${times[RUNS - 1].toFixed(1)} ms (target < 150 ms)`,
    );
    console.log(
      `one header read: ${header.bytesRead} bytes of a ${(await import('node:fs')).statSync(join(FIXTURES, 'pg15-custom-gzip.dump')).size}-byte dump`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
