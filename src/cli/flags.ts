import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PgBackupError } from '../core/errors';
import { parseWholeNumber } from './commands/number-flag';

/** One flag of a command, declared once: the parser, the usage line and `--help` are made from it. */
export interface FlagSpec {
  /** What the value is called in the usage (`DIR`, `plain|tar`); a flag without one is a switch. */
  value?: string;
  /** May be given more than once, every value kept (`[--table T]...`); otherwise the last one counts. */
  repeatable?: boolean;
  /** A whole number of at least this, checked when parsed: read it with numberFlag. */
  min?: number;
  /** Shown outside brackets in the usage; the command says what is missing when it is not given. */
  required?: boolean;
  /** Alternatives share a group and are shown together, `[--schema-only | --data-only]`; the command checks them. */
  group?: string;
  /** One line for `pg-backup <command> --help`. */
  help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  positional: string[];
  /** Every value of every flag given, in order; a switch's value is "true". */
  flags: Map<string, string[]>;
  /** The whole-number flags given (FlagSpec.min), checked. */
  numbers: Map<string, number>;
  /** `--help` or `-h` was given. */
  help: boolean;
}

/** Every command takes it; the command is not run then. */
export const HELP_FLAG: FlagSpec = { help: 'show this help and exit' };

function nodeOptions(specs: FlagSpecs): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.value === undefined ? 'boolean' : 'string', multiple: s.repeatable === true };
  }
  return options;
}

const usageError = (message: string) => new PgBackupError(message, 'usage');

/**
 * node:util's parseArgs says what is wrong without saying which flag in a form we can use ("Option '--format
 * <value>' argument missing"): the tokens of a lenient parse name the first argument that the strict one refused.
 */
function refusal(specs: FlagSpecs, args: string[], options: NonNullable<ParseArgsConfig['options']>): PgBackupError {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = t.name === 'help' ? HELP_FLAG : specs[t.name];
    if (!spec) return usageError(`Unknown option ${t.rawName}.`);
    if (spec.value === undefined && t.value !== undefined) return usageError(`--${t.name} takes no value.`);
    if (spec.value !== undefined && t.value === undefined) return usageError(`--${t.name} needs a value.`);
    if (spec.value !== undefined && !t.inlineValue && t.value?.startsWith('-')) {
      // A negative number is refused as the number it is not.
      if (spec.min !== undefined) parseWholeNumber(t.name, t.value, spec.min);
      return usageError(`--${t.name} needs a value, not the option-like "${t.value}" (write --${t.name}=${t.value}).`);
    }
  }
  return usageError('The arguments could not be read.');
}

/**
 * Parses a command's arguments against its declared flags with node:util's parseArgs (strict; positionals
 * allowed; `--flag value` and `--flag=value`; `--` ends the flags). Unknown flags, a missing value, a value for a
 * switch and a whole-number flag that is not one are usage errors naming the flag.
 */
export function parseFlags(specs: FlagSpecs, args: string[]): ParsedArgs {
  const options = nodeOptions(specs);
  let tokens;
  try {
    ({ tokens } = parseArgs({ args, options, strict: true, allowPositionals: true, tokens: true }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_')) throw refusal(specs, args, options);
    throw e;
  }
  const p: ParsedArgs = { positional: [], flags: new Map(), numbers: new Map(), help: false };
  for (const t of tokens) {
    if (t.kind === 'positional') p.positional.push(t.value);
    else if (t.kind === 'option' && t.name === 'help') p.help = true;
    else if (t.kind === 'option') p.flags.set(t.name, [...(p.flags.get(t.name) ?? []), t.value ?? 'true']);
  }
  for (const [name, s] of Object.entries(specs)) {
    const text = flag(p, name);
    if (s.min !== undefined && text !== undefined) p.numbers.set(name, parseWholeNumber(name, text, s.min));
  }
  return p;
}

export const flag = (p: ParsedArgs, name: string): string | undefined => p.flags.get(name)?.at(-1);
export const flags = (p: ParsedArgs, name: string): string[] => p.flags.get(name) ?? [];
export const has = (p: ParsedArgs, name: string): boolean => p.flags.has(name);
/** A whole-number flag (declared with `min`), checked when parsed; undefined when it is not given. */
export const numberFlag = (p: ParsedArgs, name: string): number | undefined => p.numbers.get(name);
