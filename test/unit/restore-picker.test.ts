import * as assert from 'node:assert/strict';
import { type PanelEntry, type PlanPreview, type SummaryView } from '../../src/common/restore-protocol';
import { Catalog } from '../../webview/restore/catalog';
import {
  countsText,
  initialState,
  persisted,
  restoreOptions,
  selKey,
  shownText,
  targetChoice,
  tocKey,
  update,
  type HostMessage,
  type PickerEvent,
  type PickerState,
  type Step,
} from '../../webview/restore/model';
import { Selection, triState } from '../../webview/restore/selection';

/** A small shop TOC: schema shop with products (and everything hanging off it), orders with an FK to products. */
function shop(): PanelEntry[] {
  let id = 0;
  const e = (desc: string, schema: string | null, tag: string, deps: number[] = [], restorable = true): PanelEntry => ({
    id: ++id,
    desc,
    schema,
    tag,
    owner: 'app',
    deps,
    restorable,
  });
  const schema = e('SCHEMA', null, 'shop');
  const products = e('TABLE', 'shop', 'products', [schema.id]);
  const seq = e('SEQUENCE', 'shop', 'products_id_seq', [schema.id]);
  const owned = e('SEQUENCE OWNED BY', 'shop', 'products_id_seq', [seq.id, products.id]);
  const def = e('DEFAULT', 'shop', 'products id', [products.id, seq.id]);
  const orders = e('TABLE', 'shop', 'orders', [schema.id]);
  const fn = e('FUNCTION', 'shop', 'touch()', [schema.id]);
  const view = e('VIEW', 'shop', 'cheap_products', [products.id]);
  const data = e('TABLE DATA', 'shop', 'products', [products.id]);
  const ordersData = e('TABLE DATA', 'shop', 'orders', [orders.id]);
  const setval = e('SEQUENCE SET', 'shop', 'products_id_seq', [seq.id]);
  const pkey = e('CONSTRAINT', 'shop', 'products products_pkey', [products.id]);
  const idx = e('INDEX', 'shop', 'products_name_idx', [products.id]);
  const trg = e('TRIGGER', 'shop', 'products products_touch', [products.id, fn.id]);
  const fk = e('FK CONSTRAINT', 'shop', 'orders orders_product_fkey', [orders.id, pkey.id]);
  const comment = e('COMMENT', 'shop', 'TABLE products', [products.id]);
  const acl = e('ACL', 'shop', 'TABLE products', [products.id]);
  const pub = e('TABLE', 'public', 'notes');
  return [
    schema,
    products,
    seq,
    owned,
    def,
    orders,
    fn,
    view,
    data,
    ordersData,
    setval,
    pkey,
    idx,
    trg,
    fk,
    comment,
    acl,
    pub,
  ];
}

const byTag = (entries: PanelEntry[], desc: string, tag: string) =>
  entries.find((x) => x.desc === desc && x.tag === tag)!;

describe('restore picker', () => {
  describe('catalog', () => {
    it('groups entries by schema, then by kind, with counts', () => {
      const c = new Catalog(shop());
      const headers = c
        .rows('')
        .filter((r) => r.type !== 'entry')
        .map((r) => (r.type === 'schema' ? `${r.schema} (${r.count})` : `  ${r.group} (${r.count})`));
      assert.deepEqual(headers.slice(0, 4), ['public (1)', '  Tables (1)', 'shop (16)', '  Tables (2)']);
      assert.ok(headers.includes('  Constraints (2)'));
    });

    it('filters on every word, in any order, across kind, schema and name', () => {
      const c = new Catalog(shop());
      const names = (f: string) =>
        c.rows(f).flatMap((r) => (r.type === 'entry' ? [`${r.entry.desc} ${r.entry.tag}`] : []));
      assert.deepEqual(names('trigger shop'), ['TRIGGER products products_touch']);
      assert.deepEqual(names('ORDERS data'), ['TABLE DATA orders']);
      assert.deepEqual(names('nothing-like-this'), []);
    });

    it('gives the same rows while typing on and backspacing as a fresh search would', () => {
      const entries = shop();
      const typing = new Catalog(entries);
      const names = (c: Catalog, f: string) => c.rows(f).map((r) => (r.type === 'entry' ? r.entry.id : r.key));
      for (const f of ['p', 'pr', 'prod', 'products p', 'products products_t', 'products p', 'prod', 'o', 'or', '']) {
        assert.deepEqual(names(typing, f), names(new Catalog(entries), f), `after typing "${f}"`);
      }
      assert.equal(typing.rows('products products_t').filter((r) => r.type === 'entry').length, 1);
    });

    it('hides the entries of a collapsed group but keeps its header', () => {
      const c = new Catalog(shop());
      const rows = c.rows('', new Set(['g:shop/Tables']));
      assert.ok(rows.some((r) => r.type === 'group' && r.key === 'g:shop/Tables'));
      assert.ok(!rows.some((r) => r.type === 'entry' && r.entry.desc === 'TABLE' && r.entry.schema === 'shop'));
    });
  });

  describe('selection', () => {
    it("brings a table's data, keys, indexes, triggers, sequences, defaults, comments and grants, with reasons", () => {
      const entries = shop();
      const sel = new Selection(new Catalog(entries));
      sel.toggle(byTag(entries, 'TABLE', 'products').id);
      const on = sel
        .items()
        .selected.filter((i) => i.on)
        .map((i) => `${i.entry.desc}: ${i.reason}`);
      for (const want of [
        'TABLE DATA: rows of TABLE shop.products',
        'CONSTRAINT',
        'INDEX',
        'TRIGGER',
        'SEQUENCE',
        'DEFAULT',
        'COMMENT: comment on TABLE shop.products',
        'ACL: grants on TABLE shop.products',
      ]) {
        assert.ok(
          on.some((x) => x.startsWith(want)),
          `missing ${want} in ${on.join('; ')}`,
        );
      }
      assert.ok(!on.some((x) => x.startsWith('FK CONSTRAINT')), 'the FK of orders needs orders');
      assert.match(
        sel
          .items()
          .omitted.map((o) => o.reason)
          .join(),
        /shop\.orders/,
      );
    });

    it('brings the foreign key once the referenced table exists in the target', () => {
      const entries = shop();
      const sel = new Selection(new Catalog(entries));
      sel.existing = new Set([byTag(entries, 'TABLE', 'products').id]);
      sel.toggle(byTag(entries, 'TABLE', 'orders').id);
      assert.ok(sel.isOn(byTag(entries, 'FK CONSTRAINT', 'orders orders_product_fkey').id));
    });

    it('shows the schema a new database lacks as a prerequisite, which can be taken out', () => {
      const entries = shop();
      const sel = new Selection(new Catalog(entries));
      const schema = byTag(entries, 'SCHEMA', 'shop').id;
      sel.toggle(byTag(entries, 'TABLE', 'orders').id);
      assert.equal(sel.isOn(schema), false, 'nothing is assumed before the host looked at the target');
      sel.existing = new Set();
      sel.update();
      const item = sel.items().selected.find((i) => i.entry.id === schema);
      assert.equal(item?.origin, 'prerequisite');
      assert.equal(item?.reason, 'needed by TABLE shop.orders: schema shop is missing in the target');
      sel.toggle(schema);
      assert.equal(sel.isOn(schema), false);
      assert.deepEqual([...sel.excluded], [schema]);
    });

    it('lets a dependent be taken out, and unticking the table drops what it brought', () => {
      const entries = shop();
      const sel = new Selection(new Catalog(entries));
      const products = byTag(entries, 'TABLE', 'products').id;
      const trigger = byTag(entries, 'TRIGGER', 'products products_touch').id;
      sel.toggle(products);
      sel.toggle(trigger);
      assert.equal(sel.isOn(trigger), false);
      assert.deepEqual([...sel.excluded], [trigger]);
      assert.deepEqual(sel.counts().excluded, 1);
      sel.toggle(products);
      assert.equal(sel.items().selected.length, 0);
      assert.equal(sel.excluded.size, 0);
    });

    it("selects a schema's contents through its schema entry", () => {
      const entries = shop();
      const c = new Catalog(entries);
      const sel = new Selection(c);
      sel.toggle(byTag(entries, 'SCHEMA', 'shop').id);
      assert.equal(triState(sel, c.entriesUnder('s:shop')), 'on');
      assert.equal(triState(sel, c.entriesUnder('s:public')), 'off');
    });

    it('without dependents takes only what was ticked', () => {
      const entries = shop();
      const sel = new Selection(new Catalog(entries));
      sel.withDependents = false;
      sel.toggle(byTag(entries, 'TABLE', 'products').id);
      assert.deepEqual(
        sel.items().selected.map((i) => i.entry.desc),
        ['TABLE'],
      );
    });

    it('never ticks an entry with nothing to restore', () => {
      const entries = shop();
      entries[1].restorable = false;
      const sel = new Selection(new Catalog(entries));
      sel.toggle(entries[1].id);
      assert.equal(sel.chosen.size, 0);
    });
  });

  describe('state model', () => {
    type Databases = Extract<HostMessage, { type: 'databases' }>;
    const archive = (entries = shop()): Extract<HostMessage, { type: 'archive' }> => ({
      type: 'archive',
      archive: {
        path: '/b/shop.dump',
        name: 'shop.dump',
        format: 'custom',
        database: 'shop',
        created: 'today',
        pgDumpVersion: '15',
        serverVersion: '15',
      },
      entries,
      connections: ['test', 'other'],
      defaultTarget: { connection: 'test', database: 'shop_restored', kind: 'new' },
    });
    /** Runs events from a state; returns the last step and every message sent on the way. */
    const run = (from: PickerState, ...events: PickerEvent[]): Step & { sent: unknown[] } => {
      let step: Step = { state: from };
      const sent: unknown[] = [];
      for (const e of events) {
        step = update(step.state, e);
        if (step.send) sent.push(step.send);
      }
      return { ...step, sent };
    };
    const rowOf = (s: PickerState, desc: string, tag: string) =>
      s.rows.findIndex((r) => r.type === 'entry' && r.entry.desc === desc && r.entry.tag === tag);
    const summary = (verdict: SummaryView['verdict']): SummaryView => ({
      database: 'shop_restored',
      verdict,
      headline: 'Restored 3 of 3 items into shop_restored',
      restored: 3,
      total: 3,
      durationMs: 5,
      skipped: [],
      errors: [],
      rowCounts: [],
    });

    it('starts on the dump with nothing ticked and asks what a new database holds', () => {
      const { state, send } = initialState(archive(), undefined);
      assert.equal(shownText(state), '17 entries');
      assert.equal(state.selection.chosen.size, 0);
      assert.deepEqual(targetChoice(state), { connection: 'test', kind: 'new', database: 'shop_restored' });
      assert.deepEqual(send, { type: 'listDatabases', connection: 'test' });
    });

    it('takes back what the panel kept for the same dump, and only for it', () => {
      const entries = shop();
      const products = byTag(entries, 'TABLE', 'products').id;
      const kept = {
        path: '/b/shop.dump',
        chosen: [products, 999],
        filter: 'prod',
        collapsed: ['g:shop/Tables'],
        target: { connection: 'other', kind: 'existing', database: 'shop' },
        options: { clean: true, jobs: 4 },
      };
      const { state, send } = initialState(archive(entries), kept);
      assert.deepEqual([...state.selection.chosen], [products], 'an id the dump lacks is dropped');
      assert.equal(state.filter, 'prod');
      assert.match(shownText(state), /^\d+ of 17 entries match$/);
      assert.deepEqual(targetChoice(state), { connection: 'other', kind: 'existing', database: 'shop' });
      assert.deepEqual(restoreOptions(state.options), { clean: true, jobs: 4 });
      assert.deepEqual(send, { type: 'listDatabases', connection: 'other', database: 'shop' });
      assert.deepEqual(persisted(state), { ...kept, chosen: [products], withDependents: true, excluded: [] });
      assert.equal(initialState(archive(entries), { ...kept, path: '/b/other.dump' }).state.selection.chosen.size, 0);
    });

    it('ticks a table from its row with its dependents, unticks it, and leaves the state it started from', () => {
      const start = initialState(archive(), undefined).state;
      const ticked = run(start, { type: 'activate', index: rowOf(start, 'TABLE', 'products'), tick: true }).state;
      assert.equal(start.selection.chosen.size, 0, 'the old state is left as it was');
      assert.ok(ticked.selRows.some((r) => r.reason === 'rows of TABLE shop.products' && r.on));
      const leftOut = ticked.selRows.some((r) => r.omitted && /shop\.orders/.test(r.reason));
      assert.ok(leftOut, 'the FK of orders is left out, with why');
      assert.match(countsText(ticked), /^1 ticked · \d+ dependents · 2 left out$/);
      const unticked = run(ticked, { type: 'activate', index: rowOf(ticked, 'TABLE', 'products'), tick: true }).state;
      assert.deepEqual(unticked.selRows, []);
      assert.equal(countsText(unticked), '0 ticked · 0 dependents');
    });

    it('takes a dependent out from the selection list and puts it back, by keyboard', () => {
      const start = initialState(archive(), undefined).state;
      const ticked = run(start, { type: 'activate', index: rowOf(start, 'TABLE', 'products'), tick: true }).state;
      const down = selKey(ticked, 'ArrowDown', 10)!;
      assert.deepEqual(down, { type: 'selCursor', index: 1 });
      const moved = run(ticked, down).state;
      const out = run(moved, selKey(moved, ' ', 10)!).state;
      const dependent = moved.selRows[1].entry.id;
      assert.equal(out.selection.isOn(dependent), false);
      assert.deepEqual([...out.selection.excluded], [dependent]);
      assert.match(countsText(out), / · 1 taken out/);
      const back = run(out, selKey(out, 'Enter', 10)!).state;
      assert.equal(back.selection.isOn(dependent), true);
      assert.doesNotMatch(countsText(back), /taken out/);
      assert.equal(selKey(run(start).state, 'ArrowDown', 10), undefined, 'an empty list leaves the keys alone');
    });

    it('ticks a whole group from its header, and leaves out what has nothing to restore', () => {
      const entries = shop();
      entries.find((e) => e.desc === 'TABLE' && e.tag === 'orders')!.restorable = false;
      const start = initialState(archive(entries), undefined).state;
      const header = start.rows.findIndex((r) => r.type === 'group' && r.key === 'g:shop/Tables');
      const ticked = run(start, { type: 'activate', index: header, tick: true }).state;
      assert.deepEqual([...ticked.selection.chosen], [byTag(entries, 'TABLE', 'products').id]);
      assert.equal(triState(ticked.selection, ticked.catalog.entriesUnder('g:shop/Tables')), 'on');
      const again = run(ticked, { type: 'activate', index: header, tick: true }).state;
      assert.equal(again.selection.chosen.size, 0, 'a ticked header unticks its entries');
    });

    it('filters on every keystroke, keeps the cursor on a row, and folds headers from the keyboard', () => {
      const start = run(initialState(archive(), undefined).state, { type: 'tocCursor', index: 1000 }).state;
      assert.equal(start.cursor, start.rows.length - 1, 'the cursor stays on the last row');
      const filtered = run(start, { type: 'filter', text: 'trigger shop' }).state;
      assert.equal(shownText(filtered), '1 of 17 entries match');
      assert.equal(filtered.cursor, filtered.rows.length - 1);
      const top = run(filtered, { type: 'filter', text: '' }, tocKey(filtered, 'Home', 10)!).state;
      assert.equal(top.cursor, 0);
      const shopRow = top.rows.findIndex((r) => r.type === 'schema' && r.schema === 'shop');
      const onShop = run(top, { type: 'tocCursor', index: shopRow }).state;
      assert.equal(tocKey(onShop, 'ArrowRight', 10), undefined, 'an open header does not open again');
      const folded = run(onShop, tocKey(onShop, 'ArrowLeft', 10)!).state;
      assert.ok(folded.collapsed.has('s:shop'));
      assert.equal(folded.rows.length, shopRow + 1, 'nothing of shop shows under its folded header');
      assert.equal(run(folded, tocKey(folded, 'ArrowRight', 10)!).state.rows.length, top.rows.length);
      const searching = run(folded, { type: 'filter', text: 'products' }).state;
      const shown = searching.rows.some((r) => r.type === 'entry' && r.entry.schema === 'shop');
      assert.ok(shown, 'a search shows folded entries');
    });

    it('switching to an existing database forgets what the target holds until the host has looked there', () => {
      const entries = shop();
      const products = byTag(entries, 'TABLE', 'products').id;
      const fk = byTag(entries, 'FK CONSTRAINT', 'orders orders_product_fkey').id;
      const start = initialState(archive(entries), undefined).state;
      const orders = rowOf(start, 'TABLE', 'orders');
      const lists: Databases = {
        type: 'databases',
        connection: 'test',
        databases: ['postgres', 'shop', 'crm'],
        existing: [],
        suggested: 'shop_restored_2',
        defaultExisting: 'shop',
      };
      const s1 = run(start, lists, { type: 'activate', index: orders, tick: true }).state;
      assert.equal(s1.target.newName, 'shop_restored_2', 'the free name suggested for a new database');
      assert.equal(s1.selection.isOn(fk), false);
      const existing = run(s1, { type: 'kind', kind: 'existing' });
      assert.deepEqual(existing.sent, [{ type: 'listDatabases', connection: 'test', database: 'shop' }]);
      assert.equal(existing.state.selection.existing, undefined);
      const looked = run(existing.state, { ...lists, database: 'shop', existing: [products] }).state;
      assert.equal(looked.selection.isOn(fk), true, 'the FK comes along once its table exists in the target');
      assert.deepEqual(targetChoice(looked), { connection: 'test', kind: 'existing', database: 'shop' });
      const stale = run(looked, { ...lists, connection: 'other', database: 'shop', existing: [] });
      assert.equal(stale.state, looked, 'a list for another connection than the chosen one is ignored');
      const other = run(looked, { type: 'existing', database: 'crm' });
      assert.deepEqual(other.sent, [{ type: 'listDatabases', connection: 'test', database: 'crm' }]);
      assert.equal(other.state.selection.isOn(fk), false);
    });

    it('asks again when the database it asked about is gone, and keeps a name the user typed', () => {
      const kept = { path: '/b/shop.dump', target: { connection: 'test', kind: 'existing', database: 'gone' } };
      const start = initialState(archive(), kept).state;
      const lists: Databases = {
        type: 'databases',
        connection: 'test',
        databases: ['postgres', 'shop'],
        database: 'gone',
        existing: [],
        suggested: 'shop_restored_3',
        defaultExisting: 'shop',
      };
      const step = run(start, lists);
      assert.equal(step.state.target.existing, 'shop', "the dump's own database replaces the vanished one");
      assert.deepEqual(step.sent, [{ type: 'listDatabases', connection: 'test', database: 'shop' }]);
      const typed = run(
        step.state,
        { type: 'kind', kind: 'new' },
        { type: 'newName', name: '  mine  ' },
        { ...lists, database: undefined },
      ).state;
      assert.equal(typed.target.newName, '  mine  ');
      assert.deepEqual(targetChoice(typed), { connection: 'test', kind: 'new', database: 'mine' });
      const options = restoreOptions({ flags: { noOwner: true }, role: ' app ', jobs: '1' });
      assert.deepEqual(options, { noOwner: true, role: 'app' });
    });

    it('shows the plan, the progress and the summary, which stays until the selection changes', () => {
      const start = initialState(archive(), undefined).state;
      const ticked = run(start, { type: 'activate', index: rowOf(start, 'TABLE', 'products'), tick: true }).state;
      const preview = run(ticked, { type: 'preview' });
      assert.equal(preview.state.status.text, 'Planning…');
      const asked = preview.sent[0] as { request: { chosen: number[] } };
      assert.deepEqual(asked.request.chosen, [...ticked.selection.chosen]);
      const plan: PlanPreview = {
        listFile: '1; 2 TABLE shop products app',
        commandLine: 'pg_restore -L x',
        total: 1,
        existing: [],
        omitted: [],
        notes: [],
        drops: [],
      };
      const planned = run(preview.state, { type: 'plan', preview: plan }).state;
      assert.deepEqual(planned.output, { preview: plan });
      assert.equal(planned.status.text, 'Plan: 1 item(s) to restore.');
      const progress = { type: 'progress', done: 1, total: 3, current: 'TABLE shop.products' } as const;
      const restoring = run(planned, { type: 'restore' }, progress);
      assert.equal(restoring.sent[0] && (restoring.sent[0] as { type: string }).type, 'restore');
      assert.equal(restoring.state.running, true);
      assert.deepEqual(restoring.state.progress, { done: 1, total: 3, current: 'TABLE shop.products' });
      const done = run(restoring.state, { type: 'summary', summary: summary('failed') }).state;
      assert.deepEqual(done.output, { summary: summary('failed') });
      assert.deepEqual(done.status, { text: 'Finished with errors.', cls: 'verdict bad' });
      assert.equal(done.running, false);
      assert.equal(done.progress, undefined);
      const lists: Databases = { type: 'databases', connection: 'test', databases: [], existing: [], suggested: 'x' };
      assert.deepEqual(run(done, lists).state.output, done.output, "the host's news about the target keeps it");
      const reselected = run(done, { type: 'withDependents', on: false }).state;
      assert.equal(reselected.output, undefined, 'a new selection clears it');
      const refused = run(restoring.state, { type: 'idle', message: 'Restore not started.' }).state;
      assert.deepEqual([refused.running, refused.progress], [false, undefined]);
      assert.equal(refused.status.text, 'Restore not started.');
      const failed = run(restoring.state, { type: 'error', message: 'connection refused' }).state;
      assert.deepEqual([failed.running, failed.status], [false, { text: 'connection refused', cls: 'bad' }]);
      // An error that answers a database list (matched by its request id) does not end the restore under way.
      const listFailed = run(restoring.state, { type: 'error', message: 'timeout', of: 'listDatabases' }).state;
      assert.equal(listFailed.running, true);
      assert.deepEqual(listFailed.status, { text: 'Could not list the databases: timeout', cls: 'bad' });
      assert.deepEqual(run(failed, { type: 'cancel' }).sent, [{ type: 'cancel' }]);
    });
  });
});
