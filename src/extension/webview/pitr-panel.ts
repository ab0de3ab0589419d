import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { WithoutId } from '../../common/panel-protocol';
import { accept } from '../../common/panel-protocol';
import {
  parsePanelMessage,
  parsePanelState,
  parseRepositoryPanelKey,
  PITR_VIEW_TYPE,
} from '../../common/pitr-protocol';
import type { DrillState, HostToPanel, PanelToHost } from '../../common/pitr-protocol';
import { drillToolSet, runPitrDrill } from '../../core/drill/pitr-drill';
import { errorMessage, PgBackupError } from '../../core/errors';
import { readBaseBackup } from '../../core/physical/base-backup-info';
import { recoverableWindow } from '../../core/physical/wal-window';
import { backupArchiveDir } from '../../core/physical/backup-archive';
import type { PitrModel } from '../../core/pitr/model';
import { renderRecoveryFiles } from '../../core/pitr/render';
import { hasErrors, validateModel } from '../../core/pitr/validate';
import type { RecoverableWindow } from '../../core/pitr/window';
import type { Ctx } from '../context';
import { showFailure } from '../ui/errors';
import { withCancellableProgress } from '../ui/progress';
import { requireTrust } from '../ui/trust';
import { backupSummary } from './backup-summary';
import { HostedPanel, openPanels, showPanel, type PanelKind } from './panel-host';
import { writeRecoveryFiles } from '../../core/physical/recovery-files';
import {
  repositoryBackupFacts,
  repositoryDrill,
  repositoryRestoreCommand,
  restoreRequest,
} from '../repository/pitr-repository';
import type { PitrDrillResult } from '../../core/drill/pitr-drill-result';
import type { RepoSpec } from '../../core/engines/types';

/** globalState key: the archive folder whose window was read last, the panel's start when nothing better is known. */
const LAST_ARCHIVE = 'pgBackup.pitr.lastArchiveDir';

type Reply = (m: WithoutId<HostToPanel>) => void;

/**
 * The host side of one PITR builder panel: tells the panel about its base backup, reads the archive folder for
 * the recoverable window when asked, copies, saves the recovery files and runs drills. The form, preview and
 * format checks live in the panel (webview/pitr/). One panel per base backup; opening it again reveals it.
 */
export class PitrPanel extends HostedPanel<PanelToHost, HostToPanel> {
  static readonly kind: PanelKind<PitrPanel> = {
    viewType: PITR_VIEW_TYPE,
    name: 'PITR panel',
    title: (key) => `PITR: ${parseRepositoryPanelKey(key)?.label ?? basename(key)}`,
    page: () => ({ title: 'Point-in-time recovery', script: 'pitr.js', style: 'pitr.css' }),
    parseState: (raw) => {
      const state = parsePanelState(raw);
      return state.ok ? accept(state.value.backupDir) : state;
    },
    create: (ctx, panel, backupDir) => new PitrPanel(ctx, panel, backupDir),
  };

  /** A backup in a connection's repository (the key says so) rather than a base backup folder. */
  private readonly repository = parseRepositoryPanelKey(this.key);
  /** The repository the backup is in, once read. */
  private repo: RepoSpec | undefined;
  private scanSeq = 0;
  private drilling = false;
  private lastWindow: { archiveDir: string; window: RecoverableWindow } | undefined;
  /** The drill's latest state: a hidden panel misses messages, so it is sent again when the panel comes back. */
  private lastDrill: DrillState | undefined;
  private markReady!: () => void;
  /** Resolves once the panel's script has run and asked for its data. */
  readonly ready = new Promise<void>((r) => (this.markReady = r));

  /** The panels open now (the extension's API hands this to the tests). */
  static all(): PitrPanel[] {
    return openPanels(PitrPanel.kind);
  }

  /** Opens (or reveals) the builder for a base backup folder. */
  static show(ctx: Ctx, backupDir: string): PitrPanel {
    return showPanel(ctx, PitrPanel.kind, backupDir);
  }

  private constructor(
    ctx: Ctx,
    panel: vscode.WebviewPanel,
    readonly backupDir: string,
  ) {
    super(ctx, PitrPanel.kind, panel, backupDir, parsePanelMessage);
  }

  /** A failed request shows as a notification with the fix its kind has (the panel has no place for it). */
  protected override failed(e: unknown): void {
    void showFailure(this.ctx.log, e);
  }

  protected override onDispose(): void {
    this.scanSeq++;
  }

  protected async handle(m: PanelToHost, reply: Reply): Promise<void> {
    switch (m.type) {
      case 'ready': {
        requireTrust('The PITR builder lists the client tools by running each one');
        if (this.repository) return this.readyFromRepository(this.repository, reply);
        // A panel restored after a reload may point at a backup that is gone: close it rather than show a husk.
        const [info, toolSets] = await Promise.all([readBaseBackup(this.backupDir), this.ctx.tools.all()]).catch(
          (e) => {
            this.dispose();
            throw e;
          },
        );
        const archiveDir = (await backupArchiveDir(info)) ?? this.ctx.extension.globalState.get<string>(LAST_ARCHIVE);
        reply({ type: 'backup', backup: backupSummary(info, toolSets), archiveDir, drill: this.lastDrill });
        this.markReady();
        return;
      }
      case 'scanArchive':
        return this.scan(m.archiveDir, reply);
      case 'pickArchive': {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          title: 'The WAL archive folder',
          openLabel: 'Use this archive',
        });
        if (picked?.[0]) reply({ type: 'archivePicked', dir: picked[0].fsPath });
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.showInformationMessage('Copied to the clipboard.');
        return;
      case 'save':
        return this.save(m.model, reply);
      case 'drill':
        return this.drill(m.model, reply);
      case 'restoreCommand':
        reply({ type: 'restoreCommand', ...(await this.restoreCommand(m.model, m.dataDir)) });
        return;
    }
  }

  /**
   * The engine's restore of this panel's repository backup into `dataDir` for the model (checked against the
   * repository's window first: a target before the backup's end is refused). What the panel shows and copies.
   */
  async restoreCommand(model: PitrModel, dataDir: string): Promise<{ argv: string[]; line: string }> {
    if (!this.repository || !this.repo)
      throw new PgBackupError('This PITR builder is not for a repository backup.', 'usage');
    this.checkModel(model);
    return repositoryRestoreCommand(restoreRequest(this.repo, this.repository.label, model, dataDir));
  }

  /**
   * Run a drill here, as the panel's button does (the extension's tests call it): the panel sees its progress and
   * outcome, and the outcome is returned (a failure is thrown).
   */
  async runDrill(model: PitrModel): Promise<DrillState | undefined> {
    await this.drill(model, (m) => void this.panel.webview.postMessage({ ...m, id: 0 }));
    return this.lastDrill;
  }

  /** A repository backup: its facts and window come from the engine's info (no archive folder to scan). */
  private async readyFromRepository(
    { connection, label }: { connection: string; label: string },
    reply: Reply,
  ): Promise<void> {
    const facts = await repositoryBackupFacts(this.ctx, this.key, connection, label, await this.ctx.tools.all()).catch(
      (e) => {
        this.dispose();
        throw e;
      },
    );
    this.repo = facts.repo;
    this.lastWindow = { archiveDir: this.key, window: facts.window };
    reply({ type: 'backup', backup: facts.summary, drill: this.lastDrill });
    reply({ type: 'window', archiveDir: this.key, window: facts.window, segments: 0, scanMs: 0 });
    this.markReady();
  }

  /** Reads the archive folder; only the newest request's answer reaches the panel. */
  private async scan(archiveDir: string, reply: Reply): Promise<void> {
    const seq = ++this.scanSeq;
    reply({ type: 'scanning', archiveDir });
    const started = performance.now();
    try {
      requireTrust('Reading the WAL archive runs pg_waldump');
      const info = await readBaseBackup(this.backupDir);
      const major = info.serverMajor;
      const tools = (await this.ctx.tools.all()).find((s) => s.major === major && s.tools.pg_waldump);
      if (!tools) {
        throw new PgBackupError(
          `No pg_waldump ${major ?? ''} found: the last archived commit is read with the client tools of the backup's own major.`,
          'tool-missing',
        );
      }
      const result = await recoverableWindow({
        backupDir: this.backupDir,
        archiveDir,
        pgWaldump: tools.tools.pg_waldump!,
      });
      if (seq !== this.scanSeq) return;
      this.lastWindow = { archiveDir, window: result.window };
      void this.ctx.extension.globalState.update(LAST_ARCHIVE, archiveDir);
      const segments = result.archive.segments.length;
      reply({ type: 'window', archiveDir, window: result.window, segments, scanMs: performance.now() - started });
    } catch (e) {
      if (seq !== this.scanSeq) return;
      this.lastWindow = undefined;
      reply({ type: 'windowError', archiveDir, message: errorMessage(e) });
    }
  }

  /** The panel checked the model already; the host checks again (messages are untrusted) before acting on it. */
  private checkModel(model: PitrModel): void {
    const window = this.repository
      ? this.lastWindow?.window
      : model.source.kind === 'cp' && this.lastWindow?.archiveDir === model.source.dir
        ? this.lastWindow.window
        : undefined;
    const issues = validateModel(model, window);
    if (hasErrors(issues)) throw new PgBackupError(issues.find((i) => i.severity === 'error')!.message, 'input');
  }

  private async save(model: PitrModel, reply: Reply): Promise<void> {
    if (this.repository)
      throw new PgBackupError('A repository backup is restored by its engine: copy its restore command.', 'usage');
    this.checkModel(model);
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      title: 'The restored data directory (a copy of the base backup, server stopped)',
      openLabel: 'Write recovery files here',
    });
    const dir = picked?.[0]?.fsPath;
    if (!dir) return;
    const files = await writeRecoveryFiles(dir, renderRecoveryFiles(model));
    this.ctx.log.info(`PITR: wrote ${files.join(', ')} into ${dir}`);
    reply({ type: 'saved', dir, files });
    void vscode.window.showInformationMessage(
      `Recovery files written into ${dir}: ${files.join(', ')}. Start the server to begin recovery.`,
    );
  }

  /** A base backup folder's drill: a scratch copy recovered with the archive folder's WAL on a throwaway server. */
  private async folderDrill(
    model: PitrModel,
    signal: AbortSignal,
    onProgress: (step: string, percent: number) => void,
  ): Promise<PitrDrillResult> {
    if (model.source.kind !== 'cp')
      throw new PgBackupError(
        'A drill reads the archived WAL from a local folder: choose "Local folder (cp)".',
        'usage',
      );
    const backup = await readBaseBackup(this.backupDir);
    const toolSet = drillToolSet(await this.ctx.tools.all(), backup.serverMajor);
    return runPitrDrill({ backup, model, toolSet, signal, log: (line) => this.ctx.log.command(line), onProgress });
  }

  /**
   * Recovers a scratch copy of the backup with a throwaway server and posts what came back. One drill at a time
   * per panel; the notification's Cancel stops it (the core stops the server and removes the copy).
   */
  private async drill(model: PitrModel, reply: Reply): Promise<void> {
    if (this.drilling) return;
    this.drilling = true;
    try {
      requireTrust('A PITR drill runs a throwaway server');
      this.checkModel(model);
      const title = `Drill: recovering ${this.repository?.label ?? basename(this.backupDir)}`;
      const result = await withCancellableProgress(title, (p) => {
        const onProgress = (step: string, percent: number) => {
          p.report(percent, step);
          this.lastDrill = { status: 'running', step, percent };
          reply({ type: 'drillProgress', step, percent });
        };
        return this.repository && this.repo
          ? repositoryDrill(this.ctx, this.repository.connection, this.repo, this.repository.label, model, {
              signal: p.signal,
              onProgress,
            })
          : this.folderDrill(model, p.signal, onProgress);
      });
      const rows = result.tables.reduce((n, t) => n + t.rows, 0);
      this.ctx.log.info(
        `PITR drill of ${this.backupDir}: target ${result.reachedTarget ? 'reached' : 'not reached'}, ${result.end}, ${result.tables.length} tables, ${rows} rows, ${result.durationMs} ms`,
      );
      this.lastDrill = { status: 'done', result };
      reply({ type: 'drillResult', result });
    } catch (e) {
      const cancelled = e instanceof PgBackupError && e.kind === 'cancelled';
      this.lastDrill = { status: 'error', message: errorMessage(e), cancelled };
      reply({ type: 'drillError', message: errorMessage(e), cancelled });
      throw e;
    } finally {
      this.drilling = false;
    }
  }
}
