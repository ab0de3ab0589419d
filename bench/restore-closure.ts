/**
 * Benchmark: the dependency closure for one table (with dependents) over a 10,000-entry TOC.
 * Target (issue 5): under 10 ms for any one table. Run: npx tsx bench/restore-closure.ts
 * Uses the dump bench/toc-read.ts builds (2,000 tables with data, primary key, index and comment).
 */
import { readArchive } from '../src/core/archive/read-archive';
import { dependencyClosure } from '../src/core/restore/closure';
import { buildTocIndex } from '../src/core/restore/toc-index';
import { ensureBigDump, median, time } from './toc-read';

async function main(): Promise<void> {
  const archive = await readArchive(await ensureBigDump());
  const [indexMs, index] = await time(() => buildTocIndex(archive.entries));
  const tables = archive.entries.filter((e) => e.desc === 'TABLE');
  const existingTables = new Set(tables.slice(0, 100).map((t) => `${t.namespace}.${t.tag}`));
  const ms: number[] = [];
  let items = 0;
  for (const t of tables) {
    const [took, c] = await time(() => dependencyClosure(index, [t], { withDependents: true, existingTables }));
    ms.push(took);
    items = Math.max(items, c.items.length);
  }
  const f = (x: number) => x.toFixed(3);
  console.log(`TOC entries: ${archive.entries.length}; index built once in ${indexMs.toFixed(1)} ms`);
  console.log(`closure for each of ${tables.length} tables (up to ${items} items): median ${f(median(ms))} ms, max ${f(Math.max(...ms))} ms`);
  console.log(`target < 10 ms for any one table: ${Math.max(...ms) < 10 ? 'met' : 'NOT met'}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
