/**
 * When a scheduled backup runs: `daily`, `hourly`, `weekly` or a five-field cron expression, as a crontab line's
 * time fields and as a systemd OnCalendar= value. Pure.
 */
import { PgBackupError } from '../errors';

export interface Every {
  /** What the user gave, for messages. */
  text: string;
  /** minute hour day-of-month month day-of-week. */
  cron: string;
  /** systemd.time(7) calendar event, or undefined with `calendarProblem` when systemd cannot say the same. */
  onCalendar?: string;
  calendarProblem?: string;
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MINUTE: Field = { name: 'minute', min: 0, max: 59 };
const HOUR: Field = { name: 'hour', min: 0, max: 23 };
const DOM: Field = { name: 'day of month', min: 1, max: 31 };
const MONTH: Field = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
};
const DOW: Field = { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** The most days each month has (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const pad = (n: number) => String(n).padStart(2, '0');

/** `HH:MM` (24-hour) for daily and weekly runs; `MM` or `:MM` for hourly ones. */
function parseAt(at: string | undefined, hourly: boolean): { hour: number; minute: number } {
  if (at === undefined) return { hour: 2, minute: 0 };
  const m = hourly ? /^:?(\d{1,2})$/.exec(at) : /^(\d{1,2}):(\d{2})$/.exec(at);
  const hour = hourly ? 0 : Number(m?.[1]);
  const minute = Number(hourly ? m?.[1] : m?.[2]);
  if (!m || hour > 23 || minute > 59) {
    throw new PgBackupError(
      `--at must be ${hourly ? 'the minute past each hour (0-59)' : 'a time of day as HH:MM'}, not "${at}".`,
      'usage',
    );
  }
  return { hour, minute };
}

/** One cron field as the set of values it matches (names and 7 = Sunday included), or an error naming the field. */
function values(token: string, f: Field): number[] {
  const bad = () =>
    new PgBackupError(
      `The cron ${f.name} field "${token}" is not valid (${f.min}-${f.max}${f.names ? ' or names' : ''}, lists, ranges, steps).`,
      'usage',
    );
  const num = (s: string) => {
    const i = f.names?.indexOf(s.toLowerCase()) ?? -1;
    const n = i >= 0 ? i + (f === MONTH ? 1 : 0) : /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(n >= f.min && n <= f.max)) throw bad();
    return n;
  };
  const out = new Set<number>();
  for (const part of token.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m || m[2] === '0') throw bad();
    const step = m[2] ? Number(m[2]) : 1;
    const [from, to] =
      m[1] === '*'
        ? [f.min, f.max]
        : m[1].includes('-')
          ? m[1].split('-').map(num)
          : [num(m[1]), m[2] ? f.max : num(m[1])];
    if (from === undefined || to === undefined || from > to) throw bad();
    for (let v = from; v <= to; v += step) out.add(f === DOW && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

/** The systemd spelling of one field's values: `*`, or a comma list with `..` runs. */
function calendarList(vs: number[], f: Field, show: (n: number) => string): string {
  if (vs.length === f.max - f.min + 1 || (f === DOW && vs.length === 7)) return '*';
  const runs: string[] = [];
  for (let i = 0; i < vs.length;) {
    let j = i;
    while (j + 1 < vs.length && vs[j + 1] === vs[j] + 1) j++;
    runs.push(
      j - i >= 2
        ? `${show(vs[i])}..${show(vs[j])}`
        : vs
            .slice(i, j + 1)
            .map(show)
            .join(','),
    );
    i = j + 1;
  }
  return runs.join(',');
}

function fromCron(text: string): Every {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new PgBackupError(
      `"${text}" is not daily, hourly, weekly or a five-field cron expression (minute hour day-of-month month day-of-week).`,
      'usage',
    );
  const [minute, hour, dom, month, dow] = parts.map((p, i) => values(p, [MINUTE, HOUR, DOM, MONTH, DOW][i]));
  // With the day of week unrestricted only the day of month counts: a date no month has never comes.
  if (parts[4].startsWith('*') && !month.some((m) => dom[0] <= MONTH_DAYS[m - 1])) {
    const days = dom.length > 1 ? `days ${dom.join(', ')} of the month do` : `day ${dom[0]} of the month does`;
    const months = month.map((m) => `${MONTH_NAMES[m - 1]} (${MONTH_DAYS[m - 1]} days)`).join(', ');
    throw new PgBackupError(`"${text}" never runs: ${days} not occur in ${months}.`, 'usage');
  }
  const every: Every = { text, cron: parts.join(' ') };
  // cron runs when either day field matches if both are restricted; systemd needs both to match.
  if (parts[2] !== '*' && parts[4] !== '*') {
    every.calendarProblem = `"${text}" restricts both the day of month and the day of week: cron runs on either, systemd only when both match. Use --kind cron, or restrict only one of them.`;
    return every;
  }
  const days = calendarList(dow, DOW, (n) => SYSTEMD_DAYS[n]);
  const date = `*-${calendarList(month, MONTH, pad)}-${calendarList(dom, DOM, pad)}`;
  every.onCalendar = `${days === '*' ? '' : `${days} `}${date} ${calendarList(hour, HOUR, pad)}:${calendarList(minute, MINUTE, pad)}:00`;
  return every;
}

/** `daily` | `hourly` | `weekly` (with `at`: HH:MM, or the minute for hourly) | a five-field cron expression. */
export function parseEvery(text: string, at?: string): Every {
  const word = text.trim().toLowerCase();
  if (word === 'hourly') {
    const { minute } = parseAt(at, true);
    return { ...fromCron(`${minute} * * * *`), text };
  }
  if (word === 'daily' || word === 'weekly') {
    const { hour, minute } = parseAt(at, false);
    return { ...fromCron(`${minute} ${hour} * * ${word === 'weekly' ? 0 : '*'}`), text };
  }
  if (at !== undefined)
    throw new PgBackupError('--at goes with daily, weekly or hourly; a cron expression says the time itself.', 'usage');
  return fromCron(text);
}
