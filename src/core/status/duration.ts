/**
 * Target durations as people write them: "15m", "24h", "7d", "1h30m" or "1d 2h" (units s, m, h, d, w), parsed
 * to milliseconds and formatted back in the same shape. Used by RPO/RTO targets in settings and on the CLI.
 */
import { PgBackupError } from '../errors';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = Object.keys(UNIT_MS) as Unit[];
const WHOLE = /^(?:\d+(?:\.\d+)?[wdhms] ?)+$/;
const PART = /(\d+(?:\.\d+)?)([wdhms])/g;
const HINT = 'Write a number and a unit: s, m, h, d or w, e.g. "15m", "24h", "7d" or "1h30m".';

/** Milliseconds of a duration like "15m"; `what` ("--rpo", "rto") and `where` ('database "shop"') name it. */
export function parseDuration(text: string, what = 'duration', where?: string): number {
  const t = String(text).trim();
  const named = `${what} "${text}"${where ? ` for ${where}` : ''}`;
  if (!WHOLE.test(t)) throw new PgBackupError(`Invalid ${named}.`, 'input', { hint: HINT });
  let ms = 0;
  for (const m of t.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2] as Unit];
  if (!(Math.round(ms) >= 1)) {
    throw new PgBackupError(`Invalid ${named}: it must be more than 0s.`, 'input', { hint: HINT });
  }
  return Math.round(ms);
}

/** "7d", "1d 2h", "15m", "45s", "0s": the two largest units, rounded down; parseDuration reads it back. */
export function formatSpan(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / 1000)) * 1000;
  const parts: string[] = [];
  for (const u of UNITS) {
    if (u === 'w') continue; // "10d" reads better than "1w 3d"
    const n = Math.floor(rest / UNIT_MS[u]);
    if (n > 0 || parts.length) parts.push(`${n}${u}`);
    rest -= n * UNIT_MS[u];
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p) => !p.startsWith('0'));
  return shown.length ? shown.join(' ') : '0s';
}
