import { basename } from 'node:path';
import * as vscode from 'vscode';
import { isRestorable } from '../../core/archive/list-file';
import { readCheckedArchive } from '../../core/archive/read-archive';
import type { ArchiveInfo } from '../../core/archive/types';
import { CancelledError, PgBackupError } from '../../core/errors';
import { validateRestoreOptions } from '../../core/restore/options';
import type { PlannedRestore } from '../../core/restore/planner';
import { buildTocIndex, describeEntry, type TocIndex } from '../../core/restore/toc-index';
import type { ToolSet } from '../../core/tools/discover';
import { accept, type WithoutId } from '../../common/panel-protocol';
import {
  parsePanelMessage,
  parsePanelState,
  RESTORE_VIEW_TYPE,
  toPanelEntry,
  type HostToPanel,
  type PanelToHost,
  type PlanPreview,
  type SelectionRequest,
} from '../../common/restore-protocol';
import type { Ctx } from '../context';
import { previewCommandLine, runPlannedRestore, type RestoreOutcome } from '../restore/execute';
import { planSelection, plannedDrops } from '../restore/plan-selection';
import { summaryView } from '../restore/summary';
import {
  confirmTarget,
  databaseNames,
  defaultExistingDatabase,
  existingInTarget,
  restoreInto,
  suggestNewDatabaseName,
  withPlanningTarget,
  type RestoreTarget,
} from '../restore/target';
import { restoreTools, warnToolProblem } from '../restore/tools';
import { withCancellableProgress } from '../ui/progress';
import { requireTrust } from '../ui/trust';
import { HostedPanel, showPanel, type PanelKind } from './panel-host';

type Reply = (m: WithoutId<HostToPanel>) => void;

interface Loaded {
  info: ArchiveInfo;
  index: TocIndex;
  toolSet: ToolSet;
}

/**
 * The selective-restore picker (webview/restore/) for one dump: sends the TOC, answers database lists,
 * previews plans and runs the restore with progress, cancel and a summary. Every message from the panel goes
 * through parsePanelMessage (HostedPanel); the host recomputes the plan itself from the ticked ids, never trusting
 * the panel's.
 */
export class RestorePanel extends HostedPanel<PanelToHost, HostToPanel> {
  static readonly kind: PanelKind<RestorePanel> = {
    viewType: RESTORE_VIEW_TYPE,
    name: 'Restore panel',
    title: (path) => `Restore: ${basename(path)}`,
    // Plain DOM with a virtual list: the toolkit is not loaded here.
    page: (path) => ({
      title: 'Restore selected objects',
      script: 'restore.js',
      style: 'restore.css',
      toolkit: false,
      loading: `Reading the table of contents of ${basename(path)}…`,
    }),
    parseState: (raw) => {
      const state = parsePanelState(raw);
      return state.ok ? accept(state.value.path) : state;
    },
    create: (ctx, panel, path) => new RestorePanel(ctx, panel, path),
  };

  private archive: Promise<Omit<Loaded, 'toolSet'>> | undefined;
  private tools: Promise<ToolSet> | undefined;
  private running: AbortController | undefined;
  /** What of the dump a new database holds, per connection: its template is read once, not on every target change. */
  private readonly inNewDatabase = new Map<string, Promise<number[]>>();
  /** The last outcome: sent again when the webview is rebuilt (a hidden panel drops messages). */
  private lastOutcome: RestoreOutcome | undefined;

  static show(ctx: Ctx, path: string): RestorePanel {
    return showPanel(ctx, RestorePanel.kind, path);
  }

  private constructor(
    ctx: Ctx,
    panel: vscode.WebviewPanel,
    readonly path: string,
  ) {
    super(ctx, RestorePanel.kind, panel, path, parsePanelMessage);
    void this.readToc().catch(() => undefined); // starts while the webview loads; errors are reported on 'ready'
  }

  protected override failed(e: unknown, m: PanelToHost): void {
    super.failed(e, m);
    if (m.type === 'ready') void warnToolProblem(e);
  }

  protected override onDispose(): void {
    this.running?.abort();
  }

  /** The TOC, read once (what the picker needs first). */
  private readToc(): Promise<Omit<Loaded, 'toolSet'>> {
    if (!this.archive) {
      const started = performance.now();
      this.archive = readCheckedArchive(this.path).then((info) => {
        // "Read" as the log says it includes making the entries objects: the picker needs them all.
        const entries = info.toc.entries();
        const ms = (performance.now() - started).toFixed(0);
        this.ctx.log.info(`Restore picker: ${entries.length} TOC entries of ${basename(this.path)} read in ${ms} ms.`);
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

  protected async handle(m: PanelToHost, reply: Reply): Promise<void> {
    if (m.type !== 'cancel') requireTrust('The restore picker runs pg_restore and connects to the target server');
    switch (m.type) {
      case 'ready':
        await this.sendArchive(reply);
        if (this.lastOutcome) reply({ type: 'summary', summary: summaryView(this.lastOutcome) });
        return;
      case 'listDatabases':
        return this.sendDatabases(reply, m.connection, m.database);
      case 'preview': {
        const { loaded, plan, target } = await this.plan(m.request);
        return reply({ type: 'plan', preview: this.preview(loaded, plan, target) });
      }
      case 'restore':
        await this.restore(m.request, reply);
        return;
      case 'cancel':
        this.running?.abort();
        return;
    }
  }

  private async sendArchive(reply: Reply): Promise<void> {
    const { info } = await this.readToc();
    const connections = this.ctx.config.connections().map((c) => c.profile.name);
    reply({
      type: 'archive',
      archive: {
        path: info.path,
        name: basename(info.path),
        format: info.format,
        database: info.database,
        created: info.created.local,
        pgDumpVersion: info.pgDumpVersion,
        serverVersion: info.serverVersion,
      },
      entries: info.toc.entries().map((e) => toPanelEntry(e, isRestorable(e))),
      connections,
      defaultTarget: {
        connection: connections[0] ?? '',
        database: suggestNewDatabaseName(info.database, []),
        kind: 'new',
      },
    });
    // After the rows are on screen: the tool check (warns and stops a too-new archive) and the databases.
    await this.load();
    if (connections[0]) await this.sendDatabases(reply, connections[0]);
  }

  private async sendDatabases(reply: Reply, connection: string, database?: string): Promise<void> {
    const profile = this.profile(connection);
    const databases = await databaseNames(this.ctx, profile);
    const { info, index } = await this.readToc();
    const target: RestoreTarget =
      database && databases.includes(database)
        ? { profile, database, kind: 'existing' }
        : { profile, database: '', kind: 'new' };
    const look = async () => [...(await existingInTarget(this.ctx, target, index.entries))];
    let existing: number[];
    if (target.kind === 'existing') existing = await look();
    else {
      const cached = this.inNewDatabase.get(connection) ?? look();
      this.inNewDatabase.set(connection, cached);
      existing = await cached.catch((e: unknown) => {
        this.inNewDatabase.delete(connection);
        throw e;
      });
    }
    reply({
      type: 'databases',
      connection,
      databases,
      database: target.kind === 'existing' ? database : undefined,
      existing,
      suggested: suggestNewDatabaseName(info.database, databases),
      defaultExisting: defaultExistingDatabase(info.database, databases),
    });
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
    const target: RestoreTarget = {
      profile: this.profile(req.target.connection),
      database: req.target.database,
      kind: req.target.kind,
    };
    const names = await databaseNames(this.ctx, target.profile);
    if (target.kind === 'new' && names.includes(target.database))
      throw new PgBackupError(
        `The database "${target.database}" exists already: choose another name, or restore into it as an existing database.`,
        'usage',
      );
    if (target.kind === 'existing' && !names.includes(target.database))
      throw new PgBackupError(`There is no database "${target.database}" on ${target.profile.name}.`, 'usage');
    const request = {
      archive: loaded.info,
      index: loaded.index,
      chosen,
      excluded: new Set(req.excluded),
      withDependents: req.withDependents,
      options: req.options,
    };
    const plan = await withPlanningTarget(this.ctx, target, (c) => planSelection({ ...request, target: c }));
    return { loaded, plan, target };
  }

  private preview(loaded: Loaded, plan: PlannedRestore, target: RestoreTarget): PlanPreview {
    return {
      listFile: plan.listFile,
      commandLine: previewCommandLine(loaded.toolSet, loaded.info, plan, target),
      total: plan.total,
      existing: plan.items
        .filter((i) => i.action !== 'restore' && i.note)
        .map((i) => ({
          id: i.entry.dumpId,
          label: describeEntry(i.entry),
          reason: i.reason,
          action: i.action,
          note: i.note,
        })),
      omitted: plan.omitted.map((o) => ({ label: describeEntry(o.entry), reason: o.reason })),
      notes: plan.notes,
      drops: plannedDrops(plan),
    };
  }

  private async restore(req: SelectionRequest, reply: Reply): Promise<void> {
    if (this.running) throw new PgBackupError('A restore from this panel is already running.', 'usage');
    const { loaded, plan, target } = await this.plan(req);
    reply({ type: 'plan', preview: this.preview(loaded, plan, target) });
    if (!(await confirmTarget(this.ctx, target, plan))) {
      reply({ type: 'idle', message: 'Restore not started.' });
      return;
    }
    const cancel = new AbortController();
    this.running = cancel;
    try {
      const outcome = await restoreInto(this.ctx, target, () =>
        withCancellableProgress(
          `Restoring ${plan.total} item(s) of ${basename(this.path)} into ${target.database}`,
          (p) =>
            runPlannedRestore(this.ctx, loaded.info, plan, target, loaded.toolSet, {
              signal: AbortSignal.any([p.signal, cancel.signal]),
              onProgress: (e) => {
                p.report(e.total ? (100 * e.done) / e.total : 0, `${e.done}/${e.total} · ${e.current}`);
                reply({ type: 'progress', ...e });
              },
            }),
        ),
      );
      this.lastOutcome = outcome;
      this.ctx.log.info(outcome.report.headline);
      reply({ type: 'summary', summary: summaryView(outcome) });
      await this.sendDatabases(reply, target.profile.name).catch(() => undefined); // the next suggested name
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      this.ctx.log.info(e.message);
      reply({ type: 'idle', message: e.message });
    } finally {
      this.running = undefined;
    }
  }
}
