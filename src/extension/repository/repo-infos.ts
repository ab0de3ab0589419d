import * as vscode from 'vscode';
import type { BackupEngine, RepoInfo, RepoSpec } from '../../core/engines/types';
import { errorMessage } from '../../core/errors';
import type { Log } from '../log';
import { redactEnv } from './keys';
import { repoText } from './settings';

/** What the Backups view knows of one repository: being read, read, or why it could not be. */
export type RepoState =
  | { status: 'reading' }
  | { status: 'ok'; info: RepoInfo; readAt: number; ms: number }
  | { status: 'failed'; message: string; step?: string };

/** An engine that has not answered in this long shows as failed (its read is stopped), never as a view that hangs. */
export const INFO_TIMEOUT_MS = 20_000;

/** The engines, loaded with the commands on first use (see lazy.ts): activation does not evaluate them. */
export type EngineLoader = () => Promise<{ engineFor: (repo: Pick<RepoSpec, 'engine'>) => Promise<BackupEngine> }>;

/** A connection's repository secrets for its engine's environment (RepositoryKeys.env). */
export type RepositoryEnv = (connection: string, repo: RepoSpec) => Promise<Record<string, string> | undefined>;

interface Entry {
  key: string;
  state: RepoState;
  done: Promise<RepoState>;
  abort: AbortController;
}

/**
 * The repositories' info for the Backups view and the PITR builder: read in the background (`pgbackrest info
 * --output=json` and the like, through the core's engine), once per connection until invalidated (the refresh
 * button, an action on the repository, a settings change). Reading never blocks the local backups: the tree asks
 * `state()`, which answers at once, and redraws on `onDidChange` when a read ends.
 */
export class RepositoryInfos implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the connection's name when its repository's read ends. */
  readonly onDidChange = this.changed.event;
  /** How many times an engine's info was read (tests: a redraw must not read again). */
  reads = 0;

  constructor(
    private readonly load: EngineLoader,
    private readonly log: Log,
    private readonly envOf: RepositoryEnv = async () => undefined,
  ) {}

  /** The current state (starting a read when there is none). */
  state(connection: string, repo: RepoSpec): RepoState {
    return this.entry(connection, repo).state;
  }

  /** The state once the read in progress (or a new one) has ended. */
  read(connection: string, repo: RepoSpec): Promise<RepoState> {
    return this.entry(connection, repo).done;
  }

  /** The info, or the engine's error thrown (the PITR builder and the commands need the facts). */
  async info(connection: string, repo: RepoSpec): Promise<RepoInfo> {
    const s = await this.read(connection, repo);
    if (s.status === 'ok') return s.info;
    const { engineFor } = await this.load();
    const env = await this.envOf(connection, repo);
    return (await engineFor(repo)).info(repo, env ? { env } : {});
  }

  /**
   * Forgets one connection's repository (or all) and says so (the view redraws): the next state() reads it again.
   * After Back Up Now or Expire, that is what brings the new rows.
   */
  invalidate(connection?: string): void {
    for (const [name, e] of this.entries) {
      if (connection !== undefined && name !== connection) continue;
      e.abort.abort();
      this.entries.delete(name);
      this.changed.fire(name);
    }
  }

  private entry(connection: string, repo: RepoSpec): Entry {
    const key = JSON.stringify(repo);
    const found = this.entries.get(connection);
    if (found && found.key === key) return found;
    found?.abort.abort();
    const abort = new AbortController();
    const entry: Entry = { key, state: { status: 'reading' }, abort, done: Promise.resolve({ status: 'reading' }) };
    entry.done = this.readInfo(connection, repo, abort).then((state) => {
      if (this.entries.get(connection) !== entry) return state;
      entry.state = state;
      this.changed.fire(connection);
      return state;
    });
    this.entries.set(connection, entry);
    return entry;
  }

  private async readInfo(connection: string, repo: RepoSpec, abort: AbortController): Promise<RepoState> {
    const started = performance.now();
    const timer = setTimeout(() => abort.abort(), INFO_TIMEOUT_MS);
    try {
      const { engineFor } = await this.load();
      const env = await this.envOf(connection, repo);
      this.reads++;
      const info = await (
        await engineFor(repo)
      ).info(repo, {
        signal: abort.signal,
        onLine: (line) => this.log.info(`${repoText(repo)}: ${redactEnv(line, env)}`),
        ...(env ? { env } : {}),
      });
      return { status: 'ok', info, readAt: Date.now(), ms: performance.now() - started };
    } catch (e) {
      const late = abort.signal.aborted && performance.now() - started >= INFO_TIMEOUT_MS - 50;
      const message = late
        ? `${repo.engine} did not answer within ${INFO_TIMEOUT_MS / 1000} s (info stopped); refresh to try again.`
        : errorMessage(e);
      const step = (e as { step?: unknown }).step;
      this.log.error(`Reading ${repoText(repo)}: ${message}`);
      return { status: 'failed', message, ...(typeof step === 'string' ? { step } : {}) };
    } finally {
      clearTimeout(timer);
    }
  }

  dispose(): void {
    this.invalidate();
    this.changed.dispose();
  }
}
