import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AskedServer } from '../../core/status/ask-server';
import type { DatabaseStatus } from '../../core/status/compute';
import type { readStatus, StatusReport } from '../../core/status/read-status';
import { targetSettingsOf } from '../../core/status/targets';
import { verdictOf } from '../../core/status/verdict';
import { errorMessage } from '../../core/errors';
import { describeRepo } from '../../core/engines/repo-spec';
import { backupFolders } from '../backup-folders';
import type { RepositoryEnv } from '../repository/repo-infos';
import { repositoryOf } from '../repository/settings';
import type { Config } from '../config';
import type { Passwords } from '../secrets';

/** How often the RPO is checked between changes on disk. */
const CHECK_EVERY_MS = 5 * 60_000;
const FIRST_READ_AFTER_MS = 3000;

/** A row's RPO verdict `elapsedMs` after it was computed: a backup's age grows while nothing changes on disk. */
function rpoVerdictLater(row: DatabaseStatus, elapsedMs: number) {
  return row.rpo.valueMs === undefined ? row.rpo.verdict : verdictOf(row.rpo.valueMs + elapsedMs, row.rpo.targetMs);
}

/**
 * RPO/RTO status of the saved connections' databases: one readStatus call per refresh, shared by the Connections
 * tree, the status bar item and the RPO warning. Checked again on a timer, which reads nothing more than a few
 * mtimes unless the backup folders or drill logs changed or a verdict is due to change with the clock. Idle in an
 * untrusted workspace (reading the status connects to the servers).
 */
export class StatusService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private current: Promise<StatusReport | undefined> | undefined;
  private last: StatusReport | undefined;
  private lastFingerprint = '';
  /** Why the status could not be read (e.g. a hand-written target that is not a duration). */
  problem: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  /** How many times the status was read (the timer's skips leave it alone). */
  reads = 0;
  /** A recent answer of a saved connection's server (the Connections tree's probe), to use instead of connecting. */
  private answerOf: (connection: string) => Promise<AskedServer> | undefined = () => undefined;

  constructor(
    private readonly config: Config,
    private readonly passwords: Passwords,
    /** readStatus, loaded with the commands on first use (see lazy.ts): activation does not evaluate it. */
    private readonly load: () => Promise<{ readStatus: typeof readStatus }>,
    /** The repositories' keys for their engines (RepositoryKeys.env). */
    private readonly repositoryEnv: RepositoryEnv = async () => undefined,
  ) {}

  /** Where recent answers of the servers come from (the Connections tree, which connects to draw its rows). */
  reuseAnswers(answerOf: (connection: string) => Promise<AskedServer> | undefined): void {
    this.answerOf = answerOf;
  }

  /** Starts the timer (when trusted) and the first read. */
  start(): void {
    if (!vscode.workspace.isTrusted || this.timer) return;
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    // The first read waits for the window's own start-up work (the Connections view, when shown, reads at once).
    this.soon = setTimeout(() => void this.report(), FIRST_READ_AFTER_MS);
  }

  /** The last status read, undefined until the first read ends. */
  get latest(): StatusReport | undefined {
    return this.last;
  }

  row(connection: string, database: string): DatabaseStatus | undefined {
    return this.last?.rows.find((r) => r.connection === connection && r.database === database);
  }

  /** The status of this refresh: read once, then shared until invalidate(). */
  report(): Promise<StatusReport | undefined> {
    if (!vscode.workspace.isTrusted) return Promise.resolve(undefined);
    this.current ??= this.read();
    return this.current;
  }

  /** Forgets the status; the next report() reads it again. */
  invalidate(): void {
    this.current = undefined;
  }

  /** Reads the status now (after invalidating) and waits for it. */
  refresh(): Promise<StatusReport | undefined> {
    this.invalidate();
    return this.report();
  }

  /** A refresh shortly after a burst of changes (the Backups tree redraws on each change in a backup folder). */
  refreshSoon(): void {
    if (!this.timer) return;
    clearTimeout(this.soon);
    this.soon = setTimeout(() => void this.refresh(), 500);
  }

  /** The timer's check: a read only when something on disk changed or the clock moves a verdict. */
  async check(): Promise<void> {
    const last = this.last;
    if (!last || !vscode.workspace.isTrusted) return;
    const elapsed = Date.now() - new Date(last.at).getTime();
    const due = last.rows.some((r) => rpoVerdictLater(r, elapsed) !== r.rpo.verdict);
    if (due || (await this.fingerprint()) !== this.lastFingerprint) await this.refresh();
  }

  private logFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  }

  /** The mtimes of the backup folders and the drill logs: what changes when a backup or drill comes or goes. */
  private async fingerprint(): Promise<string> {
    const folders = backupFolders(this.config);
    const logs = [...this.logFolders(), ...folders].map((f) => join(f, '.pgbackup', 'drills.jsonl'));
    const times = await Promise.all(
      [...folders, ...logs].map((p) =>
        stat(p).then(
          (s) => s.mtimeMs,
          () => 0,
        ),
      ),
    );
    return times.join(',');
  }

  private async read(): Promise<StatusReport | undefined> {
    const fingerprint = await this.fingerprint();
    try {
      const servers = await Promise.all(
        this.config.connections().map(async ({ profile }) => {
          const { name, ...params } = profile;
          const asked = this.answerOf(name);
          return {
            label: name,
            params,
            password: await this.passwords.get(name),
            targets: targetSettingsOf(profile),
            ...(asked ? { asked } : {}),
          };
        }),
      );
      // A connection's backup repository counts too: its row (the whole cluster) is the connection's.
      const repositories = this.config.connections().flatMap(({ profile }) => {
        const repo = repositoryOf(profile);
        return repo ? [{ connection: profile.name, repo, server: describeRepo(repo) }] : [];
      });
      const envs = new Map(
        await Promise.all(
          repositories.map(async (r) => [r.repo, await this.repositoryEnv(r.connection, r.repo)] as const),
        ),
      );
      const report = await (
        await this.load()
      ).readStatus({
        backupFolders: backupFolders(this.config),
        logFolders: this.logFolders(),
        servers,
        repositories: repositories.map((r) => r.repo),
        repositoryEnv: (repo) => envs.get(repo),
        connectTimeoutSec: this.config.connectTimeoutSeconds(),
      });
      for (const row of report.rows) {
        const owner = repositories.find((r) => r.server === row.server);
        if (owner && !row.connection) row.connection = owner.connection;
      }
      this.reads++;
      this.last = report;
      this.problem = undefined;
      this.lastFingerprint = fingerprint;
      return report;
    } catch (e) {
      this.problem = errorMessage(e);
      return undefined;
    } finally {
      this.changed.fire();
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.changed.dispose();
  }
}
