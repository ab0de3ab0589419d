/**
 * Unified diffs (`diff -u` / `git diff` style) from Myers' O(ND) algorithm. Common leading and trailing lines are
 * cut first, so a schema with a few changed lines costs little however long it is. Past MAX_EDITS changes the
 * middle is shown as removed and re-added: still a correct patch, just not minimal, and memory stays bounded.
 */

const MAX_EDITS = 2000;
const NO_NEWLINE = '\\ No newline at end of file';
/** Marks a last line without a newline so it never equals the same text with one. */
const UNTERMINATED = '\u0000';

type Op = { kind: ' ' | '-' | '+'; line: string };

function toLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += UNTERMINATED;
  return lines;
}

/** Shortest edit script (Myers), or undefined when it needs more than MAX_EDITS edits. */
function shortestEdit(a: readonly string[], b: readonly string[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v for diagonals -d..d as they were before step d, for the walk back.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d, off + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return walkBack(trace, a, b, d);
    }
  }
  return undefined;
}

function walkBack(trace: readonly Int32Array[], a: readonly string[], b: readonly string[], last: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = last; d > 0; d--) {
    const at = (k: number) => trace[d][k + d];
    const k = x - y;
    const insert = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = insert ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      ops.push({ kind: ' ', line: a[--x] });
    }
    if (insert) ops.push({ kind: '+', line: b[--y] });
    else ops.push({ kind: '-', line: a[--x] });
  }
  while (x > 0) ops.push({ kind: ' ', line: a[--x] });
  return ops.reverse();
}

function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

function renderLine(op: Op): string {
  return op.line.endsWith(UNTERMINATED)
    ? `${op.kind}${op.line.slice(0, -1)}\n${NO_NEWLINE}\n`
    : `${op.kind}${op.line}\n`;
}

export interface DiffLabels {
  /** e.g. "a/db/schema.sql" or "/dev/null" */
  from: string;
  to: string;
}

/** A unified diff of two texts with `context` lines around each change; '' when they are equal. */
export function unifiedDiff(before: string, after: string, labels: DiffLabels, context = 3): string {
  if (before === after) return '';
  const a = toLines(before);
  const b = toLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const middle = shortestEdit(midA, midB) ?? [
    ...midA.map((line) => ({ kind: '-' as const, line })),
    ...midB.map((line) => ({ kind: '+' as const, line })),
  ];
  const lead = Math.min(head, context);
  const ops: Op[] = [
    ...a.slice(head - lead, head).map((line) => ({ kind: ' ' as const, line })),
    ...middle,
    ...a.slice(a.length - tail, a.length - tail + context).map((line) => ({ kind: ' ' as const, line })),
  ];
  // Line numbers (1-based) of ops[0] in a and b.
  let lineA = head - lead + 1;
  let lineB = head - lead + 1;
  let out = `--- ${labels.from}\n+++ ${labels.to}\n`;
  let i = 0;
  while (i < ops.length) {
    const firstChange = ops.findIndex((op, j) => j >= i && op.kind !== ' ');
    if (firstChange < 0) break;
    const start = Math.max(i, firstChange - context);
    for (let j = i; j < start; j++) {
      lineA++;
      lineB++;
    }
    // Extend the hunk while the next change is within 2×context equal lines.
    let end = firstChange;
    let j = firstChange;
    while (j < ops.length) {
      if (ops[j].kind !== ' ') {
        end = j;
        j++;
        continue;
      }
      let run = 0;
      while (j + run < ops.length && ops[j + run].kind === ' ') run++;
      if (j + run >= ops.length || run > 2 * context) break;
      j += run;
    }
    const stop = Math.min(ops.length, end + 1 + context);
    const hunk = ops.slice(start, stop);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out += `@@ -${range(lineA, countA)} +${range(lineB, countB)} @@\n` + hunk.map(renderLine).join('');
    lineA += countA;
    lineB += countB;
    i = stop;
  }
  return out;
}
