/**
 * Reading a pgBackRest repository with 100 backups: the recorded `pgbackrest info --output=json` of 2.45
 * (test/fixtures/pgbackrest/) grown to 100 backups (25 full, each followed by a diff and two incrementals, with
 * their references), parsed into RepoInfo. Measures our own CPU (process.cpuUsage) beyond the engine's call, which
 * is pgBackRest's to spend. Target: < 50 ms.
 *
 *   npx tsx bench/repo-info.ts          # PGB_BENCH_RUNS=20
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInfoJson } from '../src/core/engines/pgbackrest/info-json';
import { median } from './support/median';

const RUNS = Number(process.env.PGB_BENCH_RUNS ?? 20);
const BACKUPS = 100;

/** The recorded stanza with its four real backups repeated, relabelled and moved on in time, to 100. */
function grownInfo(): string {
  const text = readFileSync(
    join(__dirname, '..', 'test', 'fixtures', 'pgbackrest', 'info-full-incr-diff.json'),
    'utf8',
  );
  const [stanza] = JSON.parse(text.replace(/"system-id":(\d+)/g, '"system-id":"$1"'));
  const [full, incr, diff] = stanza.backup;
  const backups = [];
  const stamp = (t: number) => new Date(t * 1000).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  for (let i = 0; backups.length < BACKUPS; i++) {
    const t0 = full.timestamp.start + i * 86_400;
    const fullLabel = `${stamp(t0)}F`;
    backups.push({ ...full, label: fullLabel, timestamp: { start: t0, stop: t0 + 3 } });
    for (const [k, b, type] of [
      [1, diff, 'D'],
      [2, incr, 'I'],
      [3, incr, 'I'],
    ] as const) {
      const t = t0 + k * 3600;
      backups.push({
        ...b,
        label: `${fullLabel}_${stamp(t)}${type}`,
        prior: backups.at(-1).label,
        reference: type === 'D' ? [fullLabel] : backups.slice(-k).map((x) => x.label),
        timestamp: { start: t, stop: t + 2 },
      });
    }
  }
  return JSON.stringify([{ ...stanza, backup: backups.slice(0, BACKUPS) }]).replace(
    /"system-id":"(\d+)"/g,
    '"system-id":$1',
  );
}

function main(): void {
  const json = grownInfo();
  const repo = { engine: 'pgbackrest' as const, name: 'demo' };
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const info = parseInfoJson(json, repo, '2.45');
    const used = process.cpuUsage(cpu);
    times.push((used.user + used.system) / 1000);
    count = info.backups.length;
  }
  const first = times[0];
  console.log(
    `pgBackRest info, ${count} backups (${(json.length / 1024).toFixed(0)} KB of JSON): ` +
      `median ${median(times).toFixed(2)} ms CPU, first (cold) ${first.toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms over ${RUNS} runs (target < 50 ms)`,
  );
  if (Math.max(...times) >= 50) process.exitCode = 1;
}

main();
