import * as vscode from 'vscode';
import type { ErrorReply, Parsed, WithoutId } from '../../common/panel-protocol';
import { requestId } from '../../common/panel-protocol';
import { errorMessage, PgBackupError } from '../../core/errors';
import type { Ctx } from '../context';
import { panelHtml, panelOptions, type PanelPage } from './panel-html';

/** A message of any panel protocol. */
type Message = { type: string; id: number };
type AnyPanel = HostedPanel<Message, Message>;

/**
 * One kind of webview panel: its view type (package.json's `onWebviewPanel:`), its page, its protocol's
 * validators and how to make a panel for a key (the dump, the backup folder: one panel per key).
 */
export interface PanelKind<P extends AnyPanel> {
  viewType: string;
  /** Names the panel in the log ("PITR panel"). */
  name: string;
  title: (key: string) => string;
  page: (key: string) => PanelPage;
  /** The key from the state a restored panel comes back with, or why it is not one of this kind's. */
  parseState: (raw: unknown) => Parsed<string>;
  create: (ctx: Ctx, panel: vscode.WebviewPanel, key: string) => P;
}

/** A failure as the panel shows it: the message and its hint. */
const shownMessage = (e: unknown) =>
  e instanceof PgBackupError && e.hint ? `${e.message} ${e.hint}` : errorMessage(e);

/** The open panels, per view type and key. */
const registry = new Map<string, Map<string, AnyPanel>>();
const openOf = (viewType: string) => registry.get(viewType) ?? registry.set(viewType, new Map()).get(viewType)!;

/** Opens the kind's panel for a key, or reveals the one open already. */
export function showPanel<P extends AnyPanel>(ctx: Ctx, kind: PanelKind<P>, key: string): P {
  const existing = openOf(kind.viewType).get(key) as P | undefined;
  if (existing) {
    existing.panel.reveal();
    return existing;
  }
  const options = panelOptions(ctx.extension.extensionUri);
  const panel = vscode.window.createWebviewPanel(kind.viewType, kind.title(key), vscode.ViewColumn.Active, options);
  return kind.create(ctx, panel, key);
}

/** The kind's panels open now. */
export function openPanels<P extends AnyPanel>(kind: PanelKind<P>): P[] {
  return [...openOf(kind.viewType).values()] as P[];
}

/**
 * Takes over a panel VS Code restored after a reload, from the state its page kept (untrusted: it went through
 * the webview). A state that is not the kind's closes the panel. main.ts's serializers call this.
 */
export function revivePanel<P extends AnyPanel>(
  ctx: Ctx,
  kind: PanelKind<P>,
  panel: vscode.WebviewPanel,
  state: unknown,
): P | undefined {
  const key = kind.parseState(state);
  if (!key.ok) {
    ctx.log.info(`${kind.name}: not restored after the reload: ${key.reason}.`);
    panel.dispose();
    return undefined;
  }
  panel.webview.options = panelOptions(ctx.extension.extensionUri);
  return kind.create(ctx, panel, key.value);
}

/**
 * The host side of one panel: registers it under its key, writes its page, and turns each message into a call
 * of `handle` after the protocol's validator rebuilt it (a webview is a browser page: its messages are untrusted).
 * Whatever `handle` posts through `reply` carries the request's id; a failure is logged and posted back as an
 * `error` with that id. Disposing (the user closing the tab, or `dispose()`) unregisters it and ends `disposables`.
 */
export abstract class HostedPanel<In extends Message, Out extends Message> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected constructor(
    protected readonly ctx: Ctx,
    private readonly kind: PanelKind<AnyPanel>,
    readonly panel: vscode.WebviewPanel,
    readonly key: string,
    private readonly parse: (raw: unknown) => Parsed<In>,
  ) {
    openOf(kind.viewType).set(key, this);
    panel.title = kind.title(key);
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'pg-backup.svg');
    panel.webview.html = panelHtml(panel.webview, ctx.extension.extensionUri, kind.page(key));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Answers one request; `reply` stamps the request's id on every message it posts. */
  protected abstract handle(m: In, reply: (out: WithoutId<Out>) => void): Promise<void>;

  /** After a request failed and the panel was told: log it (a panel may show a notification instead). */
  protected failed(e: unknown, _m: In): void {
    this.ctx.log.error(shownMessage(e), e instanceof PgBackupError ? e.detail : undefined);
  }

  /** What is left to stop when the panel goes (a running restore, a scan). */
  protected onDispose(): void {}

  private post(m: Out | ErrorReply): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = this.parse(raw);
    if (!parsed.ok) {
      const shown = JSON.stringify(raw)?.slice(0, 200);
      this.ctx.log.error(`${this.kind.name}: ignored a malformed message: ${parsed.reason} (${shown})`);
      const id = requestId(raw);
      const message = `The panel sent a malformed message: ${parsed.reason}.`;
      if (id !== undefined) this.post({ type: 'error', id, message });
      return;
    }
    const m = parsed.value;
    try {
      await this.handle(m, (out) => this.post({ ...out, id: m.id } as Out));
    } catch (e) {
      this.post({ type: 'error', id: m.id, message: shownMessage(e) });
      this.failed(e, m);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const open = openOf(this.kind.viewType);
    if (open.get(this.key) === this) open.delete(this.key);
    this.onDispose();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
