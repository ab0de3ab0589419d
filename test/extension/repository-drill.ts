/** "Run a drill here" on a repository backup's PITR builder: to the backup's consistent end, which must pass. */
import * as assert from 'node:assert/strict';
import type { PitrDrillResult } from '../../src/core/drill/pitr-drill-result';
import type { PitrPanel } from '../../src/extension/webview/pitr-panel';

export async function immediateDrill(panel: PitrPanel, stanza: string): Promise<PitrDrillResult> {
  const state = await panel.runDrill({
    serverMajor: 15,
    target: { kind: 'immediate' },
    inclusive: true,
    timeline: 'latest',
    action: 'promote',
    source: { kind: 'pgbackrest', stanza },
  });
  assert.ok(state?.status === 'done', JSON.stringify(state));
  return state.result;
}
