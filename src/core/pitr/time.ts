/**
 * Timestamps with a time zone, as recovery_target_time takes them and as PostgreSQL writes them into
 * backup_label / backup history files (`2026-11-25 14:59:03 UTC`, `… CEST`, `… +04`). Pure: zone names are
 * resolved with Intl, which the browser and Node both have.
 */

/** Zone abbreviations PostgreSQL prints with %Z, in minutes east of UTC. Ambiguous ones (IST, CST in Asia) are not guessed. */
const ABBREVIATIONS: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  UT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(.*)$/;

export type ParsedTime = { ok: true; epochMs: number } | { ok: false; reason: string };

function zoneOffsetMinutes(zone: string, utcMs: number): number | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(utcMs));
  } catch {
    return undefined;
  }
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** Minutes east of UTC for a zone written after a timestamp, at the given wall-clock time (as if UTC). */
function offsetFor(zone: string, wallMs: number): number | undefined {
  const z = zone.trim();
  if (z.toUpperCase() in ABBREVIATIONS) return ABBREVIATIONS[z.toUpperCase()];
  const num = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (num) return (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3] ?? 0));
  if (!/^[A-Za-z][\w+-]*(\/[\w+-]+)+$/.test(z)) return undefined;
  // A zone name: its offset at that local time. Two rounds settle DST edges.
  const first = zoneOffsetMinutes(z, wallMs);
  if (first === undefined) return undefined;
  return zoneOffsetMinutes(z, wallMs - first * 60000) ?? first;
}

/**
 * Parses `YYYY-MM-DD HH:MM[:SS[.ffffff]] ZONE` where ZONE is Z, a numeric offset (+02, -05:30), a zone name
 * (Europe/Berlin) or a common abbreviation. A timestamp without a zone is refused: the server would read it in
 * its own TimeZone setting, which is rarely what the person typing it meant.
 */
export function parseZonedTime(text: string): ParsedTime {
  const m = TS_RE.exec(text.trim());
  if (!m) return { ok: false, reason: `"${text}" is not a timestamp like 2026-11-25 14:30:00+01.` };
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(frac.padEnd(3, '0').slice(0, 3)));
  const check = new Date(wall);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    return { ok: false, reason: `"${text}" is not a valid date and time.` };
  }
  if (!zone.trim())
    return {
      ok: false,
      reason: `"${text}" has no time zone: add one, e.g. "${text.trim()}+00" or "${text.trim()} Europe/Berlin".`,
    };
  const offset = offsetFor(zone, wall);
  if (offset === undefined)
    return {
      ok: false,
      reason: `Unknown time zone "${zone.trim()}": use a numeric offset (+02:00) or a zone name (Europe/Berlin).`,
    };
  return { ok: true, epochMs: wall - offset * 60000 };
}

/** ISO-8601 UTC form used in windows and JSON output. */
export function toIsoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Abbreviations that are also time zone names the server knows at startup (tzdata), so they can stay. */
const ZONE_NAMES = new Set(['UTC', 'GMT']);

/**
 * The timestamp as recovery_target_time must be written. The server checks that setting at startup, before it
 * has loaded its abbreviation table: "2026-07-01 10:00:00 CEST" or "…Z" stop it with "invalid value for
 * parameter". An abbreviation (or Z) is therefore replaced by its numeric offset, keeping the digits as typed
 * (microseconds included); numeric offsets and zone names are kept as they are.
 */
export function recoveryTargetTimeLiteral(text: string): string {
  const m = TS_RE.exec(text.trim());
  if (!m) return text.trim();
  const zone = m[8].trim().toUpperCase();
  if (!(zone in ABBREVIATIONS) || ZONE_NAMES.has(zone)) return text.trim();
  const minutes = ABBREVIATIONS[zone];
  const abs = Math.abs(minutes);
  const offset = `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return (
    text
      .trim()
      .slice(0, text.trim().length - m[8].length)
      .trimEnd() + offset
  );
}
