import { basename } from 'node:path';
import * as vscode from 'vscode';
import { parsePanelMessage, PITR_VIEW_TYPE } from '../../common/pitr-protocol';
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
import { panelHtml, panelOptions } from './panel-html';
import { writeRecoveryFiles } from '../../core/physical/recovery-files';

/** globalState key: the archive folder whose window was read last, the panel's start when nothing better is known. */
const LAST_ARCHIVE = 'pgBackup.pitr.lastArchiveDir';

/**
 * The host side of one PITR builder panel: tells the panel about its base backup, reads the archive folder for
 * the recoverable window when asked, copies, saves the recovery files and runs drills. The form, preview and
 * format checks live in the panel (webview/pitr/). One panel per base backup; opening it again reveals it.
 */
export class PitrPanel implements vscode.Disposable {
  private static readonly open = new Map<string, PitrPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private scanSeq = 0;
  private disposed = false;
  private drilling = false;
  private lastWindow: { archiveDir: string; window: RecoverableWindow } | undefined;
  /** The drill's latest state: a hidden panel misses messages, so it is sent again when the panel comes back. */
  private lastDrill: DrillState | undefined;
  private markReady!: () => void;
  /** Resolves once the panel's script has run and asked for its data. */
  readonly ready = new Promise<void>((r) => (this.markReady = r));

  /** The panels open now (the extension's API hands this to the tests). */
  static all(): PitrPanel[] {
    return [...PitrPanel.open.values()];
  }

  /** Opens (or reveals) the builder for a base backup folder. */
  static show(ctx: Ctx, backupDir: string): PitrPanel {
    const existing = PitrPanel.open.get(backupDir);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PITR_VIEW_TYPE, '', vscode.ViewColumn.Active, panelOptions(ctx.extension.extensionUri));
    return new PitrPanel(ctx, panel, backupDir);
  }

  /** Takes over a panel VS Code restored after a reload (see PitrPanelSerializer). */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, backupDir: string): PitrPanel {
    panel.webview.options = panelOptions(ctx.extension.extensionUri);
    return new PitrPanel(ctx, panel, backupDir);
  }

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    readonly backupDir: string,
  ) {
    PitrPanel.open.set(backupDir, this);
    panel.title = `PITR: ${basename(backupDir)}`;
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'pg-backup.svg');
    panel.webview.html = panelHtml(panel.webview, ctx.extension.extensionUri, { title: 'Point-in-time recovery', script: 'pitr.js', style: 'pitr.css' });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => {
        const message = parsePanelMessage(raw);
        if (!message) return ctx.log.error(`PITR panel: ignored a malformed message ${JSON.stringify(raw).slice(0, 200)}`);
        void this.handle(message).catch((e) => showFailure(ctx.log, e));
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(m: HostToPanel): void {
    void this.panel.webview.postMessage(m);
  }

  private async handle(m: PanelToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        requireTrust('The PITR builder lists the client tools by running each one');
        // A panel restored after a reload may point at a backup that is gone: close it rather than show a husk.
        const [info, toolSets] = await Promise.all([readBaseBackup(this.backupDir), this.ctx.tools.all()]).catch((e) => {
          this.dispose();
          throw e;
        });
        const archiveDir = (await backupArchiveDir(info)) ?? this.ctx.extension.globalState.get<string>(LAST_ARCHIVE);
        this.post({ type: 'backup', backup: backupSummary(info, toolSets), archiveDir, drill: this.lastDrill });
        this.markReady();
        return;
      }
      case 'scanArchive':
        return this.scan(m.archiveDir);
      case 'pickArchive': {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'The WAL archive folder', openLabel: 'Use this archive' });
        if (picked?.[0]) this.post({ type: 'archivePicked', dir: picked[0].fsPath });
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.showInformationMessage('Copied to the clipboard.');
        return;
      case 'save':
        return this.save(m.model);
      case 'drill':
        return this.drill(m.model);
    }
  }

  /** Reads the archive folder; only the newest request's answer reaches the panel. */
  private async scan(archiveDir: string): Promise<void> {
    const seq = ++this.scanSeq;
    this.post({ type: 'scanning', archiveDir });
    const started = performance.now();
    try {
      requireTrust('Reading the WAL archive runs pg_waldump');
      const info = await readBaseBackup(this.backupDir);
      const major = info.serverMajor;
      const tools = (await this.ctx.tools.all()).find((s) => s.major === major && s.tools.pg_waldump);
      if (!tools) {
        throw new PgBackupError(`No pg_waldump ${major ?? ''} found: the last archived commit is read with the client tools of the backup's own major.`, 'tool-missing');
      }
      const result = await recoverableWindow({ backupDir: this.backupDir, archiveDir, pgWaldump: tools.tools.pg_waldump! });
      if (seq !== this.scanSeq) return;
      this.lastWindow = { archiveDir, window: result.window };
      void this.ctx.extension.globalState.update(LAST_ARCHIVE, archiveDir);
      this.post({ type: 'window', archiveDir, window: result.window, segments: result.archive.segments.length, scanMs: performance.now() - started });
    } catch (e) {
      if (seq !== this.scanSeq) return;
      this.lastWindow = undefined;
      this.post({ type: 'windowError', archiveDir, message: errorMessage(e) });
    }
  }

  /** The panel checked the model already; the host checks again (messages are untrusted) before acting on it. */
  private checkModel(model: PitrModel): void {
    const window = model.source.kind === 'cp' && this.lastWindow?.archiveDir === model.source.dir ? this.lastWindow.window : undefined;
    const issues = validateModel(model, window);
    if (hasErrors(issues)) throw new PgBackupError(issues.find((i) => i.severity === 'error')!.message, 'input');
  }

  private async save(model: PitrModel): Promise<void> {
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
    this.post({ type: 'saved', dir, files });
    void vscode.window.showInformationMessage(`Recovery files written into ${dir}: ${files.join(', ')}. Start the server to begin recovery.`);
  }

  /**
   * Recovers a scratch copy of the backup with a throwaway server and posts what came back. One drill at a time
   * per panel; the notification's Cancel stops it (the core stops the server and removes the copy).
   */
  private async drill(model: PitrModel): Promise<void> {
    if (this.drilling) return;
    this.drilling = true;
    try {
      requireTrust('A PITR drill runs a throwaway server');
      this.checkModel(model);
      if (model.source.kind !== 'cp') throw new PgBackupError('A drill reads the archived WAL from a local folder: choose "Local folder (cp)".', 'usage');
      const backup = await readBaseBackup(this.backupDir);
      const toolSet = drillToolSet(await this.ctx.tools.all(), backup.serverMajor);
      const result = await withCancellableProgress(`Drill: recovering ${basename(this.backupDir)}`, (p) =>
        runPitrDrill({
          backup,
          model,
          toolSet,
          signal: p.signal,
          log: (line) => this.ctx.log.command(line),
          onProgress: (step, percent) => {
            p.report(percent, step);
            this.lastDrill = { status: 'running', step, percent };
            this.post({ type: 'drillProgress', step, percent });
          },
        }),
      );
      const rows = result.tables.reduce((n, t) => n + t.rows, 0);
      this.ctx.log.info(`PITR drill of ${this.backupDir}: target ${result.reachedTarget ? 'reached' : 'not reached'}, ${result.end}, ${result.tables.length} tables, ${rows} rows, ${result.durationMs} ms`);
      this.lastDrill = { status: 'done', result };
      this.post({ type: 'drillResult', result });
    } catch (e) {
      const cancelled = e instanceof PgBackupError && e.kind === 'cancelled';
      this.lastDrill = { status: 'error', message: errorMessage(e), cancelled };
      this.post({ type: 'drillError', message: errorMessage(e), cancelled });
      throw e;
    } finally {
      this.drilling = false;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (PitrPanel.open.get(this.backupDir) === this) PitrPanel.open.delete(this.backupDir);
    this.scanSeq++;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
