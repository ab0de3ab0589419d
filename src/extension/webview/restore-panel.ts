import { basename } from 'node:path';
import * as vscode from 'vscode';
import { panelHtml, panelOptions } from './panel-html';
import { isRestorable } from '../../core/archive/list-file';
import { readCheckedArchive } from '../../core/archive/read-archive';
import type { ArchiveInfo } from '../../core/archive/types';
import { CancelledError, errorMessage, PgBackupError } from '../../core/errors';
import { validateRestoreOptions } from '../../core/restore/options';
import type { PlannedRestore } from '../../core/restore/planner';
import { buildTocIndex, describeEntry, type TocIndex } from '../../core/restore/toc-index';
import type { ToolSet } from '../../core/tools/discover';
import {
  parsePanelMessage, RESTORE_VIEW_TYPE, toPanelEntry, type HostToPanel, type PanelToHost, type PlanPreview, type RestorePanelState, type SelectionRequest,
} from '../../common/restore-protocol';
import type { Ctx } from '../context';
import { previewCommandLine, runPlannedRestore, type RestoreOutcome } from '../restore/execute';
import { planSelection, plannedDrops } from '../restore/plan-selection';
import { summaryView } from '../restore/summary';
import { confirmTarget, databaseNames, restoreInto, suggestNewDatabaseName, targetTables, type RestoreTarget } from '../restore/target';
import { restoreTools, warnToolProblem } from '../restore/tools';
import { withCancellableProgress } from '../ui/progress';

interface Loaded {
  info: ArchiveInfo;
  index: TocIndex;
  toolSet: ToolSet;
}

/**
 * The selective-restore picker (webview/restore/) for one dump: sends the TOC, answers database lists,
 * previews plans and runs the restore with progress, cancel and a summary. Every message from the panel goes
 * through parsePanelMessage; the host recomputes the plan itself from the ticked ids, never trusting the panel's.
 */
export class RestorePanel {
  private static readonly panels = new Map<string, RestorePanel>();
  private archive: Promise<Omit<Loaded, 'toolSet'>> | undefined;
  private tools: Promise<ToolSet> | undefined;
  private readMs = 0;
  private running: AbortController | undefined;
  /** The last outcome: sent again when the webview is rebuilt (a hidden panel drops messages). */
  private lastOutcome: RestoreOutcome | undefined;

  static show(ctx: Ctx, path: string): RestorePanel {
    const open = RestorePanel.panels.get(path);
    if (open) {
      open.panel.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(RESTORE_VIEW_TYPE, `Restore: ${basename(path)}`, vscode.ViewColumn.Active, panelOptions(ctx.extension.extensionUri));
    return new RestorePanel(ctx, panel, path);
  }

  constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    readonly path: string,
  ) {
    RestorePanel.panels.set(path, this);
    void this.readToc().catch(() => undefined); // starts while the webview loads; errors are reported on 'ready'
    panel.webview.options = panelOptions(ctx.extension.extensionUri);
    panel.webview.html = this.html();
    panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
    panel.onDidDispose(() => {
      this.running?.abort();
      RestorePanel.panels.delete(path);
    });
  }

  private post(m: HostToPanel): void {
    void this.panel.webview.postMessage(m);
  }

  private html(): string {
    // Plain DOM with a virtual list: the toolkit is not loaded here.
    return panelHtml(this.panel.webview, this.ctx.extension.extensionUri, {
      title: 'Restore selected objects',
      script: 'restore.js',
      style: 'restore.css',
      toolkit: false,
      loading: `Reading the table of contents of ${basename(this.path)}…`,
    });
  }

  /** The TOC, read once (what the picker needs first). */
  private readToc(): Promise<Omit<Loaded, 'toolSet'>> {
    if (!this.archive) {
      const started = performance.now();
      this.archive = readCheckedArchive(this.path).then((info) => {
        // "Read" as the panel shows it includes making the entries objects: the picker needs them all.
        const entries = info.toc.entries();
        this.readMs = performance.now() - started;
        return { info, index: buildTocIndex(entries) };
      });
    }
    this.archive.catch(() => (this.archive = undefined));
    return this.archive;
  }

  /** The TOC and a pg_restore that can read it (tool discovery probes every install: not on the way to the first rows). */
  private async load(): Promise<Loaded> {
    const toc = await this.readToc();
    this.tools ??= restoreTools(this.ctx, toc.info);
    this.tools.catch(() => (this.tools = undefined));
    return { ...toc, toolSet: await this.tools };
  }

  private async receive(raw: unknown): Promise<void> {
    const m = parsePanelMessage(raw);
    if (!m) {
      this.ctx.log.error(`Restore panel: ignored a malformed message (${JSON.stringify(raw)?.slice(0, 200)})`);
      return;
    }
    try {
      await this.handle(m);
    } catch (e) {
      const message = e instanceof PgBackupError && e.hint ? `${e.message} ${e.hint}` : errorMessage(e);
      this.ctx.log.error(message, e instanceof PgBackupError ? e.detail : undefined);
      this.post({ type: 'error', message });
      if (m.type === 'ready') void warnToolProblem(e);
    }
  }

  private async handle(m: PanelToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.sendArchive();
        if (this.lastOutcome) this.post({ type: 'summary', summary: summaryView(this.lastOutcome) });
        return;
      case 'listDatabases':
        return this.sendDatabases(m.connection, m.database);
      case 'preview': {
        const { loaded, plan, target } = await this.plan(m.request);
        return this.post({ type: 'plan', preview: this.preview(loaded, plan, target) });
      }
      case 'restore':
        await this.restore(m.request);
        return;
      case 'cancel':
        this.running?.abort();
        return;
    }
  }

  private async sendArchive(): Promise<void> {
    const { info } = await this.readToc();
    const connections = this.ctx.config.connections().map((c) => c.profile.name);
    this.post({
      type: 'archive',
      archive: {
        path: info.path, name: basename(info.path), format: info.format, database: info.database, created: info.created.local,
        pgDumpVersion: info.pgDumpVersion, serverVersion: info.serverVersion,
      },
      entries: info.toc.entries().map((e) => toPanelEntry(e, isRestorable(e))),
      connections,
      defaultTarget: { connection: connections[0] ?? '', database: suggestNewDatabaseName(info.database, []), kind: 'new' },
      readMs: this.readMs,
    });
    // After the rows are on screen: the tool check (warns and stops a too-new archive) and the databases.
    await this.load();
    if (connections[0]) await this.sendDatabases(connections[0]);
  }

  private async sendDatabases(connection: string, database?: string): Promise<void> {
    const profile = this.profile(connection);
    const databases = await databaseNames(this.ctx, profile);
    const tables = database && databases.includes(database) ? [...(await targetTables(this.ctx, profile, database))] : [];
    const { info } = await this.readToc();
    this.post({ type: 'databases', connection, databases, database, tables, suggested: suggestNewDatabaseName(info.database, databases) });
  }

  private profile(name: string) {
    const p = this.ctx.connections.find(name);
    if (!p) throw new PgBackupError(`No saved connection named "${name}".`, 'usage');
    return p;
  }

  /** The host's own plan for the request: ticked ids resolved against the archive, checked against the target. */
  private async plan(req: SelectionRequest): Promise<{ loaded: Loaded; plan: PlannedRestore; target: RestoreTarget }> {
    const loaded = await this.load();
    const chosen = req.chosen.map((id) => loaded.index.byId.get(id)).filter((e) => e !== undefined);
    if (!chosen.length) throw new PgBackupError('Nothing is selected: tick the objects to restore.', 'usage');
    validateRestoreOptions(req.options, loaded.info.format);
    const target: RestoreTarget = { profile: this.profile(req.target.connection), database: req.target.database, kind: req.target.kind };
    const names = await databaseNames(this.ctx, target.profile);
    if (target.kind === 'new' && names.includes(target.database)) throw new PgBackupError(`The database "${target.database}" exists already: choose another name, or restore into it as an existing database.`, 'usage');
    if (target.kind === 'existing' && !names.includes(target.database)) throw new PgBackupError(`There is no database "${target.database}" on ${target.profile.name}.`, 'usage');
    const request = { archive: loaded.info, index: loaded.index, chosen, excluded: new Set(req.excluded), withDependents: req.withDependents, options: req.options };
    const plan =
      target.kind === 'existing'
        ? await this.ctx.connections.with(target.profile, { database: target.database }, (c) => planSelection({ ...request, target: c }))
        : await planSelection(request);
    return { loaded, plan, target };
  }

  private preview(loaded: Loaded, plan: PlannedRestore, target: RestoreTarget): PlanPreview {
    return {
      listFile: plan.listFile,
      commandLine: previewCommandLine(loaded.toolSet, loaded.info, plan, target),
      total: plan.total,
      existing: plan.items.filter((i) => i.action !== 'restore' && i.note).map((i) => ({ id: i.entry.dumpId, label: describeEntry(i.entry), reason: i.reason, action: i.action, note: i.note })),
      omitted: plan.omitted.map((o) => ({ label: describeEntry(o.entry), reason: o.reason })),
      notes: plan.notes,
      drops: plannedDrops(plan),
    };
  }

  private async restore(req: SelectionRequest): Promise<void> {
    if (this.running) throw new PgBackupError('A restore from this panel is already running.', 'usage');
    const { loaded, plan, target } = await this.plan(req);
    this.post({ type: 'plan', preview: this.preview(loaded, plan, target) });
    const skipped = plan.items.filter((i) => i.action === 'skip').length;
    if (!(await confirmTarget(target, !!plan.options.clean, plannedDrops(plan), skipped))) {
      this.post({ type: 'idle', message: 'Restore not started.' });
      return;
    }
    const cancel = new AbortController();
    this.running = cancel;
    try {
      const outcome = await restoreInto(this.ctx, target, () =>
        withCancellableProgress(`Restoring ${plan.total} item(s) of ${basename(this.path)} into ${target.database}`, (p) =>
          runPlannedRestore(this.ctx, loaded.info, plan, target, loaded.toolSet, {
            signal: AbortSignal.any([p.signal, cancel.signal]),
            onProgress: (e) => {
              p.report(e.total ? (100 * e.done) / e.total : 0, `${e.done}/${e.total} · ${e.current}`);
              this.post({ type: 'progress', ...e });
            },
          }),
        ),
      );
      this.lastOutcome = outcome;
      this.ctx.log.info(`Restored ${outcome.summary.restored.length} of ${plan.total} item(s) into ${target.database}; ${outcome.summary.errors.length} error(s).`);
      this.post({ type: 'summary', summary: summaryView(outcome) });
      await this.sendDatabases(target.profile.name).catch(() => undefined); // the next suggested name
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      this.ctx.log.info(e.message);
      this.post({ type: 'idle', message: e.message });
    } finally {
      this.running = undefined;
    }
  }
}


/** Reopens a picker after a reload from the state the webview kept (its `path`); main.ts registers the serializer. */
export function reviveRestorePanel(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): void {
  const path = (state as Partial<RestorePanelState> | undefined)?.path;
  if (typeof path === 'string' && path) new RestorePanel(ctx, panel, path);
  else panel.dispose();
}
