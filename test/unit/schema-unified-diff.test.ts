import * as assert from 'node:assert/strict';
import { unifiedDiff } from '../../src/core/schema/unified-diff';

const labels = { from: 'a/schema.sql', to: 'b/schema.sql' };

/** Applies a unified diff to `text` (strict: context and removed lines must match). */
function applyPatch(text: string, patch: string): string {
  const src = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  const lines = patch.split('\n').slice(2);
  for (let i = 0; i < lines.length; i++) {
    const h = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i]);
    if (!h) continue;
    const start = Number(h[1]) - (h[2] === '0' ? 0 : 1);
    while (at < start) out.push(src[at++]);
    for (i++; i < lines.length && !lines[i].startsWith('@@') && lines[i] !== ''; i++) {
      const [kind, line] = [lines[i][0], lines[i].slice(1)];
      if (kind === ' ' || kind === '-') assert.equal(src[at++], line, 'context or removed line matches');
      if (kind === ' ' || kind === '+') out.push(line);
    }
    i--;
  }
  while (at < src.length) out.push(src[at++]);
  return out.length ? out.join('\n') + '\n' : '';
}

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('unified diff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', labels), '');
  });

  it('shows an added column with three lines of context, like diff -u', () => {
    const before =
      'CREATE TABLE public.users (\n    id integer NOT NULL,\n    name text NOT NULL,\n    mood public.mood\n);\n\n\n--\n';
    const after =
      'CREATE TABLE public.users (\n    id integer NOT NULL,\n    name text NOT NULL,\n    mood public.mood,\n    email text\n);\n\n\n--\n';
    assert.equal(
      unifiedDiff(before, after, labels),
      '--- a/schema.sql\n+++ b/schema.sql\n@@ -1,7 +1,8 @@\n CREATE TABLE public.users (\n     id integer NOT NULL,\n     name text NOT NULL,\n-    mood public.mood\n+    mood public.mood,\n+    email text\n );\n \n \n',
    );
  });

  it('splits distant changes into hunks and numbers them from the right lines', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 25\n', '');
    const diff = unifiedDiff(before, after, labels);
    assert.deepEqual(
      diff.split('\n').filter((l) => l.startsWith('@@')),
      ['@@ -1,5 +1,5 @@', '@@ -22,7 +22,6 @@'],
    );
    assert.equal(applyPatch(before, diff), after);
  });

  it('writes new and deleted files against /dev/null', () => {
    assert.equal(
      unifiedDiff('', 'x\ny\n', { from: '/dev/null', to: 'b/f.sql' }),
      '--- /dev/null\n+++ b/f.sql\n@@ -0,0 +1,2 @@\n+x\n+y\n',
    );
    assert.equal(
      unifiedDiff('x\n', '', { from: 'a/f.sql', to: '/dev/null' }),
      '--- a/f.sql\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n',
    );
  });

  it('marks a missing final newline', () => {
    assert.match(unifiedDiff('a\nb\n', 'a\nb', labels), /-b\n\+b\n\\ No newline at end of file\n$/);
  });

  it('produces patches that turn the old text into the new one (random edits)', () => {
    const rnd = random(42);
    for (let round = 0; round < 200; round++) {
      const words = ['a', 'b', 'c', 'd', 'e'];
      const before = Array.from({ length: Math.floor(rnd() * 40) }, () => words[Math.floor(rnd() * 5)]);
      const after = before.flatMap((w) =>
        rnd() < 0.15 ? [] : rnd() < 0.15 ? [w, words[Math.floor(rnd() * 5)]] : rnd() < 0.1 ? ['z'] : [w],
      );
      const a = before.length ? before.join('\n') + '\n' : '';
      const b = after.length ? after.join('\n') + '\n' : '';
      const diff = unifiedDiff(a, b, labels);
      assert.equal(applyPatch(a, diff), b, `round ${round}`);
    }
  });

  it('stays correct and quick when everything changed in a long file', () => {
    const before = Array.from({ length: 20000 }, (_, i) => `old ${i}`).join('\n') + '\n';
    const after = Array.from({ length: 20000 }, (_, i) => `new ${i}`).join('\n') + '\n';
    const started = Date.now();
    const diff = unifiedDiff(before, after, labels);
    assert.ok(Date.now() - started < 5000);
    assert.equal(applyPatch(before, diff), after);
  });
});
