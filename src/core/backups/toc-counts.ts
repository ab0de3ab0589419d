/**
 * Why an inspect report's "entries" and a drill report's "checkable objects" differ, in one sentence both
 * reports use: every TOC entry is counted by the first, only the named objects a drill can look up by the second.
 */
import type { Toc } from '../archive/toc';
import { isLookedUp } from '../restore/existing';

/** TOC entries that name an object a restore drill checks exists (table, view, index, constraint, …). */
export function checkableCount(toc: Toc): number {
  let n = 0;
  for (const e of toc.entries()) if (isLookedUp(e)) n++;
  return n;
}

const num = (x: number) => x.toLocaleString('en-US');

/** "40 table-of-contents entries: 12 checkable objects … and 28 other entries …". */
export function tocCountsSentence(entries: number, checkable: number): string {
  return (
    `${num(entries)} table-of-contents entries: ${num(checkable)} checkable objects (schemas, tables, views, ` +
    'sequences, indexes, constraints, triggers, functions, types: what a restore drill looks up in the restored ' +
    'database) and ' +
    `${num(entries - checkable)} other entries (table data, comments, grants, defaults, extensions and the like, ` +
    'which restore but are not looked up).'
  );
}
