/**
 * A seeded mutator for the fuzz tests: real inputs (pg_dump archives, backup_label, backup_manifest, WAL file
 * names) damaged the ways files get damaged — bit flips, bytes changed, inserted or deleted, cuts, and length
 * fields made huge — so a reader's every failure can be replayed from its seed and case number.
 */
import assert from 'node:assert/strict';
import { PgBackupError } from '../../src/core/errors';

/** mulberry32: a small, fast, seeded PRNG (floats in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Little-endian and sign-byte integers a reader may take for a length or count, all far too large. */
const HUGE: readonly number[][] = [
  [0, 0xff, 0xff, 0xff, 0x7f],
  [0, 0xff, 0xff, 0xff, 0xff],
  [1, 0xff, 0xff, 0xff, 0xff],
  [0, 0, 0, 0, 0x40],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  Array.from('77777777777', (c) => c.charCodeAt(0)), // a tar size field of 8 GB
  Array.from('99999999999999999999', (c) => c.charCodeAt(0)),
];

/** One to three mutations of `input` (never changed in place). */
export function mutate(input: Buffer, random: () => number): Buffer {
  let b = input;
  let own = false; // b may still be `input`: copied before the first change in place
  const writable = () => {
    if (!own) b = Buffer.from(b);
    own = true;
    return b;
  };
  const int = (n: number) => Math.floor(random() * n);
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const rounds = 1 + int(3);
  for (let r = 0; r < rounds; r++) {
    const at = int(b.length + 1);
    switch (int(7)) {
      case 0: // bit flips
        for (let k = 1 + int(8); k > 0 && b.length; k--) writable()[int(b.length)] ^= 1 << int(8);
        break;
      case 1: // a byte set to a random or boundary value
        if (b.length) writable()[int(b.length)] = [0, 0xff, 0x7f, 0x80, int(256)][int(5)];
        break;
      case 2: // bytes inserted
        b = Buffer.concat([b.subarray(0, at), randomBytes(1 + int(16)), b.subarray(at)]);
        own = true;
        break;
      case 3: // bytes deleted
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(64)))]);
        own = true;
        break;
      case 4: // cut short
        b = b.subarray(0, at);
        break;
      case 5: {
        // a huge length field written over what was there
        const huge = HUGE[int(HUGE.length)];
        for (let k = 0; k < huge.length && at + k < b.length; k++) writable()[at + k] = huge[k];
        break;
      }
      default: // a piece copied elsewhere (repeated entries, members)
        if (b.length > 8) {
          const from = int(b.length);
          const piece = b.subarray(from, from + 1 + int(512));
          b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
          own = true;
        }
    }
  }
  return b;
}

export interface FuzzStats {
  cases: number;
  accepted: number;
  refused: number;
  perSecond: number;
}

/**
 * Runs `read` on `cases` mutations of `input`: each must return or throw a PgBackupError (no RangeError or
 * TypeError), and the process may not take memory a claimed size asks for. Prints cases/s.
 */
export async function fuzz(
  label: string,
  input: Buffer,
  cases: number,
  seed: number,
  read: (bytes: Buffer) => unknown,
): Promise<FuzzStats> {
  const random = rng(seed);
  const memoryLimit = process.memoryUsage().arrayBuffers + 256 * 1024 * 1024;
  let accepted = 0;
  const started = performance.now();
  for (let i = 0; i < cases; i++) {
    const bytes = mutate(input, random);
    try {
      await read(bytes);
      accepted++;
    } catch (e) {
      if (!(e instanceof PgBackupError)) {
        const sample = bytes.toString('base64').slice(0, 200);
        const thrown = (e as Error)?.stack ?? e;
        assert.fail(`${label} case ${i} (seed ${seed}) threw ${thrown}\ninput (base64, head): ${sample}`);
      }
    }
    if (i % 1024 === 0) {
      const used = process.memoryUsage().arrayBuffers;
      assert.ok(used < memoryLimit, `${label} case ${i}: ${used} bytes of buffers in use`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = { cases, accepted, refused: cases - accepted, perSecond: Math.round(cases / seconds) };
  const took = `${seconds.toFixed(1)} s (${stats.perSecond}/s)`;
  console.log(`      ${label}: ${cases} cases in ${took}, ${stats.refused} refused`);
  return stats;
}
