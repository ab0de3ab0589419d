import * as assert from 'node:assert/strict';
import { parsePanelMessage, parsePanelState } from '../../src/common/restore-protocol';

const request = {
  chosen: [2],
  excluded: [],
  withDependents: true,
  target: { connection: 'test', database: 'shop_restored', kind: 'new' },
  options: { clean: true, jobs: 2 },
};

/** The validator's reason for refusing a message (fails when it accepts it). */
function refused(raw: unknown): string {
  const parsed = parsePanelMessage(raw);
  assert.equal(parsed.ok, false, `accepted ${JSON.stringify(raw)}`);
  return parsed.ok ? '' : parsed.reason;
}

/** Why a restore request with these fields changed is refused. */
const refusedRequest = (changes: Record<string, unknown>) =>
  refused({ type: 'restore', id: 1, request: { ...request, ...changes } });

describe('restore protocol', () => {
  it('rebuilds well-formed messages from their declared fields, with their request id', () => {
    assert.deepEqual(parsePanelMessage({ type: 'preview', id: 3, request: { ...request, extra: 1 } }), {
      ok: true,
      value: { type: 'preview', id: 3, request },
    });
    const cancel = parsePanelMessage({ type: 'cancel', id: 1, evil: true });
    assert.deepEqual(cancel, { ok: true, value: { type: 'cancel', id: 1 } });
    const deep = { ...request, target: { ...request.target, x: 1 }, options: { jobs: 2, shell: 'rm -rf /' } };
    assert.deepEqual(parsePanelMessage({ type: 'restore', id: 9, request: deep }), {
      ok: true,
      value: { type: 'restore', id: 9, request: { ...request, options: { jobs: 2 } } },
    });
    assert.deepEqual(parsePanelMessage({ type: 'listDatabases', id: 2, connection: 'test', other: 'x' }), {
      ok: true,
      value: { type: 'listDatabases', id: 2, connection: 'test' },
    });
  });

  it('refuses unknown types, missing ids, bad dump ids, bad targets and bad options, saying why', () => {
    assert.match(refused({ type: 'runShell', id: 1, cmd: 'rm -rf /' }), /unknown message type "runShell"/);
    assert.equal(refused({ type: 'ready' }), 'no request id');
    assert.equal(refused({ type: 'ready', id: 0 }), 'no request id');
    assert.equal(refused({ type: 'ready', id: '1' }), 'no request id');
    assert.equal(refusedRequest({ chosen: ['2'] }), 'request.chosen is not a list of dump ids');
    const target = (changes: Record<string, unknown>) => refusedRequest({ target: { ...request.target, ...changes } });
    assert.equal(target({ kind: 'other' }), 'request.target.kind is neither "new" nor "existing"');
    assert.equal(target({ database: 'x'.repeat(64) }), 'request.target.database is not a database name');
    assert.equal(refusedRequest({ options: { clean: 'yes' } }), 'request.options.clean is not true or false');
    assert.match(refusedRequest({ options: { jobs: 0 } }), /^request\.options\.jobs/);
    assert.equal(refused({ type: 'listDatabases', id: 1, connection: '' }), 'connection is not a connection name');
    assert.equal(refused(null), 'not an object');
    assert.equal(refused([{ type: 'ready', id: 1 }]), 'not an object');
  });

  it('reads only the dump path of a restored panel state, and refuses a state without one', () => {
    assert.deepEqual(parsePanelState({ path: '/b/shop.dump', chosen: [1], evil: 'x' }), {
      ok: true,
      value: { path: '/b/shop.dump' },
    });
    assert.deepEqual(parsePanelState({ path: '' }), { ok: false, reason: 'the state names no dump (path)' });
    assert.deepEqual(parsePanelState('/b/shop.dump'), { ok: false, reason: 'the state is not an object' });
  });
});
