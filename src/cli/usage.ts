import { HELP_FLAG, type FlagSpec, type FlagSpecs } from './flags';

/** What a command's usage and help are made from. */
export interface CommandShape {
  name: string;
  /** The positional arguments as the usage shows them, e.g. `<file-or-dir> <conn>`. */
  args?: string;
  flags: FlagSpecs;
  summary: string;
}

const flagText = (name: string, s: FlagSpec) => `--${name}${s.value === undefined ? '' : ` ${s.value}`}`;

/** The usage in parts that are never split across lines: `pg-backup dump`, `<conn>`, `[--jobs N]`, … */
function usageParts(c: CommandShape): string[] {
  const parts = [`pg-backup ${c.name}`, ...(c.args ? [c.args] : [])];
  const done = new Set<string>();
  for (const [name, s] of Object.entries(c.flags)) {
    if (done.has(name)) continue;
    const members = Object.entries(c.flags).filter(([n, o]) => n === name || (s.group && o.group === s.group));
    for (const [n] of members) done.add(n);
    const text = members.map(([n, o]) => flagText(n, o)).join(' | ');
    const part = members.every(([, o]) => o.required) ? text : `[${text}]`;
    parts.push(part + (s.repeatable ? '...' : ''));
  }
  return parts;
}

export const usageLine = (c: CommandShape): string => usageParts(c).join(' ');

/**
 * Parts joined by spaces into lines that end by column `width` (a longer part stands alone); the first line starts
 * at column `start`, the others with `indent`.
 */
function wrap(parts: readonly string[], indent: string, start = indent.length, width = 100): string {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.length - 1;
    const used = last === 0 ? start + lines[0].length : (lines[last]?.length ?? 0);
    if (last >= 0 && used + 1 + part.length <= width) lines[last] += ` ${part}`;
    else lines.push(last < 0 ? part : `${indent}${part}`);
  }
  return lines.join('\n');
}

const words = (text: string) => text.split(' ');

/** The widest flag column; a longer flag has its help on the next line. */
const FLAG_COLUMN = 28;

/** `pg-backup <command> --help`: the usage, the summary, then every flag with its help. */
export function commandHelp(c: CommandShape): string {
  const rows = [...Object.entries(c.flags), ['help', HELP_FLAG] as const].map(([name, s]) => {
    const notes = [s.repeatable && 'repeatable', s.required && 'required'].filter(Boolean);
    const help = `${s.help}${notes.length ? ` (${notes.join(', ')})` : ''}`;
    return [name === 'help' ? '-h, --help' : flagText(name, s), help];
  });
  const width = Math.min(FLAG_COLUMN, Math.max(...rows.map(([f]) => f.length)));
  const pad = ' '.repeat(width + 4);
  const row = ([f, help]: string[]) =>
    f.length > width ? `  ${f}\n${pad}${wrap(words(help), pad)}` : `  ${f.padEnd(width)}  ${wrap(words(help), pad)}`;
  const usage = `usage: ${wrap(usageParts(c), ' '.repeat(11), 7)}`;
  return [usage, '', wrap(words(c.summary), '', 0), '', ...rows.map(row)].join('\n');
}

/** `pg-backup --help`: every command's usage and summary. */
export function overviewHelp(commands: readonly CommandShape[]): string {
  return [
    'pg-backup: PostgreSQL backups from the command line (the core of the PostgreSQL Backup extension).',
    '',
    ...commands.map((c) => `  ${wrap(usageParts(c), '      ', 2)}\n      ${wrap(words(c.summary), '      ')}`),
    '',
    'Run pg-backup <command> --help for what each flag does.',
    'Exit codes: 0 ok, 1 a check found a difference, 2 bad usage or input, 3 the operation failed, 130 cancelled.',
  ].join('\n');
}
