import * as assert from 'node:assert/strict';
import { parsePanelMessage, parsePanelState } from '../../src/common/pitr-protocol';
import type { PitrModel } from '../../src/core/pitr/model';
import { defaultForm, formToModel } from '../../webview/pitr/form';

const backup = { dir: '/b/base', format: 'plain' as const, serverMajor: 15, notes: [] };
/** The model the panel sends for a filled-in form (the webview's own conversion). */
const form = { ...defaultForm(backup), archiveDir: '/wal', time: '2026-11-25T14:30:05', zone: 'UTC' };
const model: PitrModel = formToModel(form, backup).model;

/** The validator's reason for refusing a message (fails when it accepts it). */
function refused(raw: unknown): string {
  const parsed = parsePanelMessage(raw);
  assert.equal(parsed.ok, false, `accepted ${JSON.stringify(raw)}`);
  return parsed.ok ? '' : parsed.reason;
}

/** Why a drill request with these model fields changed is refused. */
const refusedModel = (changes: Record<string, unknown>) =>
  refused({ type: 'drill', id: 1, model: { ...model, ...changes } });

describe('PITR protocol', () => {
  it('rebuilds the model the panel sends from its declared fields, with the request id', () => {
    assert.deepEqual(model.source, { kind: 'cp', dir: '/wal' });
    const drill = parsePanelMessage({ type: 'drill', id: 4, model });
    assert.deepEqual(drill, { ok: true, value: { type: 'drill', id: 4, model } });
    const padded = { ...model, evil: 1, target: { ...model.target, sql: 'x' }, source: { ...model.source, cmd: 'rm' } };
    const parsed = parsePanelMessage({ type: 'save', id: 5, model: padded, extra: true });
    assert.deepEqual(parsed, { ok: true, value: { type: 'save', id: 5, model } });
    assert.ok(parsed.ok && parsed.value.model !== padded, 'the model is a new object, not the one received');
    const rsync = { ...model, source: { kind: 'rsync', host: 'h', dir: '/d', port: 22 }, timeline: 2, standby: true };
    assert.deepEqual(parsePanelMessage({ type: 'save', id: 6, model: rsync }), {
      ok: true,
      value: { type: 'save', id: 6, model: { ...rsync, source: { kind: 'rsync', host: 'h', dir: '/d' } } },
    });
    assert.deepEqual(parsePanelMessage({ type: 'scanArchive', id: 1, archiveDir: '/wal', x: 1 }), {
      ok: true,
      value: { type: 'scanArchive', id: 1, archiveDir: '/wal' },
    });
    assert.deepEqual(parsePanelMessage({ type: 'ready', id: 7, model }), { ok: true, value: { type: 'ready', id: 7 } });
  });

  it('refuses malformed messages and models, saying why', () => {
    assert.match(refused({ type: 'exec', id: 1 }), /unknown message type "exec"/);
    assert.equal(refused({ type: 'ready' }), 'no request id');
    assert.equal(refused({ type: 'ready', id: 1.5 }), 'no request id');
    assert.equal(refused({ type: 'scanArchive', id: 1, archiveDir: 42 }), 'archiveDir is not a path');
    assert.equal(refused({ type: 'copy', id: 1, text: 'x'.repeat(1_000_001) }), 'text is not a string of at most 1 MB');
    assert.equal(refused({ type: 'save', id: 1 }), 'model is not an object');
    assert.equal(refusedModel({ serverMajor: '15' }), 'model.serverMajor is not a number');
    assert.match(refusedModel({ target: { kind: 'sql' } }), /^model\.target\.kind is not one of time, xid/);
    assert.equal(refusedModel({ target: { kind: 'xid', value: 7 } }), 'model.target.value is not a string');
    assert.equal(refusedModel({ inclusive: 'yes' }), 'model.inclusive is not true or false');
    assert.match(refusedModel({ timeline: 0 }), /^model\.timeline is not/);
    assert.match(refusedModel({ action: 'reboot' }), /^model\.action is not one of/);
    assert.match(refusedModel({ source: { kind: 'ftp' } }), /^model\.source\.kind is not one of/);
    assert.equal(refusedModel({ source: { kind: 'cp' } }), 'model.source.dir is not a string');
    assert.equal(refusedModel({ standby: 1 }), 'model.standby is not true or false');
    assert.equal(refused('ready'), 'not an object');
  });

  it("rebuilds a restored panel state from its declared fields, refusing a state that is not the panel's", () => {
    const drill = { status: 'idle' };
    assert.deepEqual(parsePanelState({ backupDir: '/b/base', form: { ...form, extra: 1 }, drill, evil: 1 }), {
      ok: true,
      value: { backupDir: '/b/base', form },
    });
    assert.deepEqual(parsePanelState({ backupDir: '/b/base' }), { ok: true, value: { backupDir: '/b/base' } });
    assert.deepEqual(parsePanelState({ form }), { ok: false, reason: 'the state names no base backup (backupDir)' });
    assert.deepEqual(parsePanelState(null), { ok: false, reason: 'the state is not an object' });
    const reason = (changes: Record<string, unknown> | unknown[]) => {
      const changed = Array.isArray(changes) ? changes : { ...form, ...changes };
      const parsed = parsePanelState({ backupDir: '/b/base', form: changed });
      return parsed.ok ? 'accepted' : parsed.reason;
    };
    assert.equal(reason({ lsn: 1 }), 'form.lsn is not a string');
    assert.equal(reason({ sourceKind: 'ftp' }), 'form.sourceKind is not a source kind');
    assert.equal(reason({ targetKind: 'sql' }), 'form.targetKind is not a target kind');
    assert.equal(reason({ inclusive: 'no' }), 'form.inclusive is not true or false');
    assert.equal(reason({ action: 'reboot' }), 'form.action is not a recovery action');
    assert.equal(reason([]), 'form is not an object');
  });
});
