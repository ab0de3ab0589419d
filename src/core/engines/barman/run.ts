/**
 * Runs `barman -c CONFIG …` as Barman's own OS user (the configuration's barman_user, through runuser when we are
 * root; Barman refuses any other user) and turns its failures into one-line errors with Barman's own words and the
 * step that failed.
 */
import { readFile } from 'node:fs/promises';
import { serverOwner } from '../../drill/server-owner';
import { PgBackupError, isPgBackupError } from '../../errors';
import { runTool } from '../../process/run-tool';
import { findOnPath } from '../find-binary';
import type { EngineRunOptions, RepoSpec } from '../types';
import { configuredBarmanUser } from './config';
import { jsonMessages, parseBarmanVersion, parseCheck } from './parse';

/** Barman's default configuration when `--config` is not given. */
export const DEFAULT_BARMAN_CONFIG = '/etc/barman.conf';

export async function discoverBarman(): Promise<{ path: string; version: string } | undefined> {
  const path = await findOnPath('barman');
  if (!path) return undefined;
  const out = await runTool({ file: path, args: ['--version'] }).catch(() => undefined);
  const version = out && parseBarmanVersion(out.stdout + out.stderr);
  return version ? { path, version } : undefined;
}

export interface BarmanCall {
  /** The engine step, named in the error when it fails ("backup", "recover", "check-backup", …). */
  step: string;
  args: string[];
  /** Return the output of a non-zero exit instead of throwing (check exits 1 when a check fails). */
  allowFailure?: boolean;
  /** Signal Barman and the pg_basebackup it started together on cancel. */
  processGroup?: boolean;
  /** Each line of this call's output (stdout and stderr), besides the runner's onLine. */
  onLine?: (line: string) => void;
}

export interface BarmanRunner {
  configFile?: string;
  /** The OS user Barman runs as. */
  user: string;
  run(call: BarmanCall): Promise<{ ok: boolean; stdout: string }>;
}

/** Barman's reason in its output: the JSON `_ERROR` list, else its `ERROR:` lines, else the last line. */
function barmanReason(stdout: string[], fallback: string): string {
  const fromJson = jsonMessages(stdout.join('\n'), '_ERROR');
  if (fromJson.length) return fromJson.join('; ');
  const errors = stdout.filter((l) => /^(ERROR|EXCEPTION|FAILED)\b/.test(l)).map((l) => l.replace(/^\w+:\s*/, ''));
  return errors.length ? errors.join('; ') : (stdout.at(-1) ?? fallback);
}

export async function barmanRunner(repo: RepoSpec, o: EngineRunOptions = {}): Promise<BarmanRunner> {
  const found = await findOnPath('barman');
  if (!found) {
    throw new PgBackupError('Barman is not installed: there is no barman on PATH.', 'tool-missing', {
      hint: 'Install it (Debian: apt-get install barman), then try again.',
    });
  }
  const configFile = repo.config;
  const configText = await readFile(configFile ?? DEFAULT_BARMAN_CONFIG, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (configFile) {
      throw new PgBackupError(`Cannot read the Barman configuration ${configFile}: ${e.code ?? e.message}.`, 'input');
    }
    return '';
  });
  const user = configuredBarmanUser(configText);
  const owner = serverOwner(o.log, user);
  return {
    configFile,
    user,
    run: async (call) => {
      const stdout: string[] = [];
      const args = [...(configFile ? ['-c', configFile] : []), ...call.args];
      const onLine = (l: string) => {
        call.onLine?.(l);
        o.onLine?.(l);
      };
      try {
        const r = await owner.run({
          file: found,
          args,
          cwd: '/',
          signal: o.signal,
          processGroup: call.processGroup,
          onStdoutLine: (l) => {
            stdout.push(l);
            onLine(l);
          },
          onStderrLine: onLine,
        });
        return { ok: true, stdout: r.stdout };
      } catch (e) {
        if (!isPgBackupError(e) || e.kind !== 'tool-failed') throw e;
        if (call.allowFailure) return { ok: false, stdout: stdout.join('\n') };
        const reason = barmanReason(stdout, e.message.replace(/^\S+ failed: /, ''));
        throw new PgBackupError(`Barman ${call.step} of "${repo.name}" failed: ${reason}`, 'tool-failed', {
          detail: [e.detail, ...stdout.slice(-20)].filter(Boolean).join('\n'),
          hint: /must run as/i.test(reason)
            ? `Barman runs as "${user}" (barman_user): run pg-backup as that user or as root.`
            : undefined,
        });
      }
    },
  };
}

/** `barman -f json check SERVER`, read: the verdict and the checks that failed (a failed check is not an error). */
export async function barmanCheck(r: BarmanRunner, server: string): Promise<ReturnType<typeof parseCheck>> {
  const { stdout } = await r.run({ step: 'check', args: ['-f', 'json', 'check', server], allowFailure: true });
  return parseCheck(stdout, server);
}
