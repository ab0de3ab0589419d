import * as vscode from 'vscode';
import { parsePanelState } from '../../common/pitr-protocol';
import type { Ctx } from '../context';
import { PitrPanel } from './pitr-panel';

/**
 * Restores PITR panels after a window reload from the state the panel saved with setState (the base backup
 * folder; the form itself comes back through the webview's getState). A state that is not ours closes the panel.
 */
export class PitrPanelSerializer implements vscode.WebviewPanelSerializer<unknown> {
  constructor(private readonly ctx: Ctx) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = parsePanelState(state);
    if (!restored) return panel.dispose();
    PitrPanel.revive(this.ctx, panel, restored.backupDir);
  }
}
