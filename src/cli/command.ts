import { CancelledError, PgBackupError, type CleanupLog } from '../core/errors';

/** Exit codes of the CLI contract: 130 is a shell's code for a process ended by SIGINT (128 + 2). */
export const EXIT = { ok: 0, difference: 1, usage: 2, failed: 3, cancelled: 130 } as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** A progress line on stderr (overwritten in a TTY). */
  progress(text: string): void;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** What a cancelled or failed command cleaned up or left behind (see CleanupLog); main prints it with the error. */
  cleanup?: CleanupLog;
}

/** One subcommand: `pg-backup <name> …`. One file per command under src/cli/commands/. */
export interface CliCommand {
  /** e.g. "tools", "conn test", "schema check" */
  name: string;
  usage: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

/**
 * Parses `--flag value`, `--flag=value`, repeated flags and boolean flags. `booleans` lists flags without a
 * value; any other flag takes the next argument. Unknown flags are a usage error.
 */
export function parseArgs(args: string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (booleans.includes(name)) {
      if (eq > 0) throw new PgBackupError(`--${name} takes no value.`, 'usage');
      flags.set(name, [...(flags.get(name) ?? []), 'true']);
    } else if (valued.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new PgBackupError(`--${name} needs a value.`, 'usage');
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else {
      throw new PgBackupError(`Unknown option --${name}.`, 'usage');
    }
  }
  return { positional, flags };
}

export const flag = (p: ParsedArgs, name: string): string | undefined => p.flags.get(name)?.at(-1);
export const flags = (p: ParsedArgs, name: string): string[] => p.flags.get(name) ?? [];
export const has = (p: ParsedArgs, name: string): boolean => p.flags.has(name);

/** Maps an error to the contract's exit code. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof CancelledError) return EXIT.cancelled;
  if (e instanceof PgBackupError && (e.kind === 'usage' || e.kind === 'input')) return EXIT.usage;
  return EXIT.failed;
}
