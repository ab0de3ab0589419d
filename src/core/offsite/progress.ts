/** Helpers of the off-site operations: a bound on parallel work, and percent progress over several files. */
import type { CopyProgress } from './types';

/** Runs `fn` on every item, at most `limit` at a time; the first failure rejects (the others still finish). */
export async function eachAtMost<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

/**
 * Percent over `total` bytes of several files moved at once: call the result with a file's key and its bytes so
 * far. `onProgress` hears each new whole percent once.
 */
export function byteProgress(total: number, onProgress?: CopyProgress): (key: string, bytes: number) => void {
  const done = new Map<string, number>();
  let sum = 0;
  let lastPercent = -1;
  return (key, bytes) => {
    sum += bytes - (done.get(key) ?? 0);
    done.set(key, bytes);
    const percent = total ? Math.min(100, Math.floor((sum / total) * 100)) : 100;
    if (percent !== lastPercent) onProgress?.((lastPercent = percent), sum, total);
  };
}
