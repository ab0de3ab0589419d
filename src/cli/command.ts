import { CancelledError, PgBackupError, type CleanupLog } from '../core/errors';
import { parseFlags, type ParsedArgs } from './flags';
import { commandHelp, usageLine, type CommandShape } from './usage';

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

/** One subcommand: `pg-backup <name> …`. One file per command under src/cli/commands/, made by defineCommand. */
export interface CliCommand extends CommandShape {
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CommandSpec extends CommandShape {
  /** Runs the command on its parsed arguments (never called for `--help`); `args` as typed, for a command that
   *  writes its own command line down (schedule). */
  run(p: ParsedArgs, io: CliIo, args: readonly string[]): Promise<number>;
}

/** A command whose usage, `--help` and parser all come from its declared flags. */
export function defineCommand(spec: CommandSpec): CliCommand {
  return {
    name: spec.name,
    args: spec.args,
    flags: spec.flags,
    summary: spec.summary,
    usage: usageLine(spec),
    async run(args, io) {
      const p = parseFlags(spec.flags, args);
      if (!p.help) return spec.run(p, io, args);
      io.out(commandHelp(spec));
      return EXIT.ok;
    },
  };
}

/** Maps an error to the contract's exit code. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof CancelledError) return EXIT.cancelled;
  if (e instanceof PgBackupError && e.kind === 'mismatch') return EXIT.difference;
  if (e instanceof PgBackupError && (e.kind === 'usage' || e.kind === 'input')) return EXIT.usage;
  return EXIT.failed;
}
