import { CancelledError, errorMessage, PgBackupError } from '../core/errors';
import { EXIT, exitCodeFor, type CliCommand, type CliIo } from './command';
import { overviewHelp } from './usage';
import { cliVersion } from './version';

/**
 * Every subcommand by name, in the order `pg-backup --help` lists them. Loaded lazily: `pg-backup tools` must
 * not pay for loading pg and execa (Node's start plus the probe stays under 200 ms).
 */
const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  tools: () => import('./commands/tools').then((m) => m.toolsCommand),
  'conn test': () => import('./commands/conn-test').then((m) => m.connTestCommand),
  dump: () => import('./commands/dump').then((m) => m.dumpCommand),
  inspect: () => import('./commands/inspect').then((m) => m.inspectCommand),
  restore: () => import('./commands/restore').then((m) => m.restoreCommand),
  basebackup: () => import('./commands/basebackup').then((m) => m.basebackupCommand),
  'pitr window': () => import('./commands/pitr-window').then((m) => m.pitrWindowCommand),
  'pitr config': () => import('./commands/pitr-config').then((m) => m.pitrConfigCommand),
  verify: () => import('./commands/verify').then((m) => m.verifyCommand),
  copy: () => import('./commands/copy').then((m) => m.copyCommand),
  list: () => import('./commands/list').then((m) => m.listCommand),
  'repo info': () => import('./commands/repo-info').then((m) => m.repoInfoCommand),
  'repo backup': () => import('./commands/repo-backup').then((m) => m.repoBackupCommand),
  'repo verify': () => import('./commands/repo-verify').then((m) => m.repoVerifyCommand),
  'repo expire': () => import('./commands/repo-expire').then((m) => m.repoExpireCommand),
  'repo restore': () => import('./commands/repo-restore').then((m) => m.repoRestoreCommand),
  prune: () => import('./commands/prune').then((m) => m.pruneCommand),
  'schema export': () => import('./commands/schema-export').then((m) => m.schemaExportCommand),
  'schema check': () => import('./commands/schema-check').then((m) => m.schemaCheckCommand),
  schedule: () => import('./commands/schedule').then((m) => m.scheduleCommand),
  status: () => import('./commands/status').then((m) => m.statusCommand),
};

/** Every command, in the order `pg-backup --help` lists them. */
export const allCommands = (): Promise<CliCommand[]> => Promise.all(Object.values(COMMANDS).map((load) => load()));

/** Finds the command whose (one- or two-word) name prefixes argv. */
async function findCommand(argv: string[]): Promise<{ command: CliCommand; rest: string[] } | undefined> {
  for (const words of [2, 1]) {
    const load = COMMANDS[argv.slice(0, words).join(' ')];
    if (load) return { command: await load(), rest: argv.slice(words) };
  }
  return undefined;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overviewHelp(await allCommands()));
    return argv.length ? EXIT.ok : EXIT.usage;
  }
  if (argv[0] === '--version') {
    io.out(cliVersion());
    return EXIT.ok;
  }
  const found = await findCommand(argv);
  if (!found) {
    io.err(`pg-backup: unknown command "${argv.slice(0, 2).join(' ')}". Run pg-backup --help.`);
    return EXIT.usage;
  }
  const cleaned: string[] = [];
  const cleanup = (fact: string) => {
    cleaned.push(fact);
    io.cleanup?.(fact);
  };
  try {
    return await found.command.run(found.rest, { ...io, cleanup });
  } catch (e) {
    const prefix = `pg-backup ${found.command.name}:`;
    // After a cancel, whatever the command was waiting for fails too ("Connection terminated"): that is the cancel.
    if (e instanceof CancelledError || io.signal.aborted) {
      io.err(`${prefix} cancelled${cleaned.length ? `; ${cleaned.join('; ')}` : ''}`);
      return EXIT.cancelled;
    }
    io.err(`${prefix} ${errorMessage(e)}`);
    for (const fact of cleaned) io.err(fact);
    if (e instanceof PgBackupError) {
      if (e.hint) io.err(e.hint);
      if (e.detail && e.detail !== e.message) io.err(e.detail);
      if (e.kind === 'usage') io.err(`usage: ${found.command.usage}`);
    }
    return exitCodeFor(e);
  }
}

function stdIo(): CliIo {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (signals++) {
      process.stderr.write('\npg-backup: interrupted again: stopped at once, without the cleanup\n');
      process.exit(EXIT.cancelled);
    }
    controller.abort();
  };
  // `on`, never `once`: execa's signal-exit re-raises a signal that finds no other listener, which killed the CLI
  // before any cleanup ran. Ours stays for the whole run: the first SIGINT/SIGTERM cancels, a second one exits.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  let lastProgress = '';
  return {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => {
      if (tty && lastProgress) process.stderr.write('\n');
      lastProgress = '';
      process.stderr.write(t + '\n');
    },
    progress: (t) => {
      if (tty) process.stderr.write(`\r\x1b[K${t}`);
      else if (t !== lastProgress) process.stderr.write(t + '\n');
      lastProgress = t;
    },
    env: process.env,
    signal: controller.signal,
  };
}

if (require.main === module) {
  main(process.argv.slice(2), stdIo()).then((code) => {
    process.exitCode = code;
  });
}
