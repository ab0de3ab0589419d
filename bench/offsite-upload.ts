/**
 * Off-site copies to a local S3-compatible server (s3rver on 127.0.0.1, test/support/s3-server.ts):
 * 1. a 1 GB dump uploaded through our copy (`copyBackup`: the file hashed against its sidecar while sent, the
 *    sidecar object last, the local sidecar rewritten) vs `@aws-sdk/lib-storage` alone (`Upload` of the same file
 *    with the same part size, concurrency and ChecksumAlgorithm SHA256, the same client settings), rounds
 *    interleaved, median MB/s of each. Target: ours ≥ 80 % of lib-storage's.
 * 2. listing 1,000 remote backups (1,000 dumps + 1,000 sidecar objects: a paginated listing, then the sidecars read
 *    32 at a time, or taken from the bucket's .pgbackup-index.json where their ETag matches). Target < 1 s.
 * Run: npx tsx bench/offsite-upload.ts [size-MiB] [rounds]
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { copyBackup } from '../src/core/offsite/copy';
import { parseDestination } from '../src/core/offsite/destination';
import { listRemoteBackups } from '../src/core/offsite/list';
import { createS3Client, loadSdk } from '../src/core/offsite/s3-client';
import { DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE } from '../src/core/offsite/s3-store';
import { openStore } from '../src/core/offsite/store';
import { startS3Server } from '../test/support/s3-server';
import { workFolder } from '../test/support/work-folder';
import { median } from './support/median';

const SIZE = Number(process.argv[2] ?? 1024) << 20;
const ROUNDS = Number(process.argv[3] ?? 3);
const LIST_ONLY = process.argv.includes('--list-only');

async function makeDump(path: string): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const chunk = 8 << 20;
  for (let at = 0; at < SIZE; at += chunk) {
    const buf = randomBytes(Math.min(chunk, SIZE - at));
    hash.update(buf);
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

function sidecar(sha256: string, bytes: number, database = 'bench') {
  return {
    tool: 'pg-backup',
    format: 'custom',
    database,
    server: '127.0.0.1:5432',
    serverVersion: '15.18',
    pgDumpVersion: '15.18',
    options: { format: 'custom' },
    started: new Date().toISOString(),
    durationMs: 1000,
    bytes,
    sha256,
  };
}

async function main() {
  const s3 = await startS3Server();
  Object.assign(process.env, s3.env);
  const work = workFolder('pgb-bench-offsite-');
  try {
    const dump = join(work, 'big.dump');
    const sha = LIST_ONLY ? '' : await makeDump(dump);
    const sidecarText = JSON.stringify(sidecar(sha, SIZE));
    const spec = parseDestination('s3://backups/bench', { endpoint: s3.endpoint, pathStyle: true });
    if (spec.kind !== 's3') throw new Error('an s3 destination');
    const client = await createS3Client(spec);
    const { Upload, DeleteObjectsCommand } = await loadSdk();
    const mbps = (ms: number) => SIZE / (1 << 20) / (ms / 1000);
    const ours: number[] = [];
    const sdk: number[] = [];
    for (let round = 0; round < (LIST_ONLY ? 0 : ROUNDS); round++) {
      let t = performance.now();
      await new Upload({
        client,
        params: {
          Bucket: 'backups',
          Key: `sdk/${round}.dump`,
          Body: createReadStream(dump),
          ChecksumAlgorithm: 'SHA256',
        },
        partSize: DEFAULT_PART_SIZE,
        queueSize: DEFAULT_CONCURRENCY,
      }).done();
      sdk.push(mbps(performance.now() - t));
      await client.send(
        new DeleteObjectsCommand({ Bucket: 'backups', Delete: { Objects: [{ Key: `sdk/${round}.dump` }] } }),
      );

      writeFileSync(`${dump}.pgbackup.json`, sidecarText);
      const dest = parseDestination(`s3://backups/ours-${round}`, { endpoint: s3.endpoint, pathStyle: true });
      t = performance.now();
      await copyBackup({ backup: dump, destination: dest });
      ours.push(mbps(performance.now() - t));
      const store = await openStore(dest);
      await store.remove(['big.dump', 'big.dump.pgbackup.json']);
      store.close();
      console.log(
        `round ${round + 1}: lib-storage ${sdk.at(-1)!.toFixed(0)} MB/s, ours ${ours.at(-1)!.toFixed(0)} MB/s`,
      );
    }
    const ratio = median(ours) / median(sdk);
    if (!LIST_ONLY)
      console.log(
        `upload ${SIZE >> 20} MiB, part ${DEFAULT_PART_SIZE >> 20} MiB x ${DEFAULT_CONCURRENCY}: lib-storage median ${median(sdk).toFixed(0)} MB/s, ours ${median(ours).toFixed(0)} MB/s = ${(ratio * 100).toFixed(0)} %`,
      );
    client.destroy();

    // The same 1,000 backups in a folder destination: our listing without an S3 server's own cost.
    const folder = join(work, 'many');
    mkdirSync(folder);
    const folderNames = Array.from({ length: 1000 }, (_, i) => `db${i % 50}-${String(i).padStart(4, '0')}.dump`);
    for (const n of folderNames) {
      writeFileSync(join(folder, n), 'PGDMP');
      writeFileSync(join(folder, `${n}.pgbackup.json`), JSON.stringify(sidecar('0'.repeat(64), 5, n.split('-')[0])));
    }
    const folderTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const listed = await listRemoteBackups({ destination: parseDestination(folder) });
      folderTimes.push(performance.now() - t);
      if (listed.length !== 1000 || listed.some((b) => b.problem)) throw new Error(`listed ${listed.length}`);
    }
    console.log(`list 1,000 backups in a folder: median ${median(folderTimes).toFixed(0)} ms`);

    // 1,000 remote backups: small dumps and their sidecars, written 32 at a time.
    const list = parseDestination('s3://backups/many', { endpoint: s3.endpoint, pathStyle: true });
    const store = await openStore(list);
    const names = Array.from({ length: 1000 }, (_, i) => `db${i % 50}-${String(i).padStart(4, '0')}.dump`);
    const queue = [...names];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let n = queue.shift(); n; n = queue.shift()) {
          await store.putText(n, 'PGDMP');
          await store.putText(`${n}.pgbackup.json`, JSON.stringify(sidecar('0'.repeat(64), 5, n.split('-')[0])));
        }
      }),
    );
    const listings: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await store.listTop();
      listings.push(performance.now() - t);
    }
    store.close();
    console.log(`  of which the listing alone (2 pages, 2,000 keys): median ${median(listings).toFixed(0)} ms`);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const listed = await listRemoteBackups({ destination: list });
      times.push(performance.now() - t);
      if (listed.length !== 1000 || listed.some((b) => b.problem)) throw new Error(`listed ${listed.length}`);
    }
    // With the bucket's index (written by one listing, as `pg-backup list` does): no in-process cache, so each
    // listing is what a fresh `pg-backup list` or a newly opened editor costs.
    await listRemoteBackups({ destination: list, saveIndex: true });
    const indexed: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const listed = await listRemoteBackups({ destination: list, saveIndex: true });
      indexed.push(performance.now() - t);
      if (listed.length !== 1000 || listed.some((b) => b.problem)) throw new Error(`listed ${listed.length}`);
    }
    console.log(
      `list 1,000 remote backups with the bucket's index, nothing cached in the process: median ${median(indexed).toFixed(0)} ms, worst ${Math.max(...indexed).toFixed(0)} ms`,
    );
    const cache = new Map();
    await listRemoteBackups({ destination: list, cache });
    const warm: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const listed = await listRemoteBackups({ destination: list, cache });
      warm.push(performance.now() - t);
      if (listed.length !== 1000 || listed.some((b) => b.problem)) throw new Error(`listed ${listed.length}`);
    }
    console.log(`list 1,000 remote backups again, sidecars cached by ETag: median ${median(warm).toFixed(0)} ms`);
    console.log(
      `list 1,000 remote backups: median ${median(times).toFixed(0)} ms, best ${Math.min(...times).toFixed(0)} ms, worst ${Math.max(...times).toFixed(0)} ms`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    await s3.stop();
  }
}

void main();
