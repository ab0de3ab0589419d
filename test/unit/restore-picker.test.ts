import * as assert from 'node:assert/strict';
import type { PanelEntry } from '../../src/common/restore-protocol';
import { Catalog, Selection, triState } from '../../webview/restore/model';

/** A small shop TOC: schema shop with products (and everything hanging off it), orders with an FK to products. */
function shop(): PanelEntry[] {
  let id = 0;
  const e = (desc: string, schema: string | null, tag: string, deps: number[] = [], restorable = true): PanelEntry => ({ id: ++id, desc, schema, tag, owner: 'app', deps, restorable });
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
  return [schema, products, seq, owned, def, orders, fn, view, data, ordersData, setval, pkey, idx, trg, fk, comment, acl, pub];
}

const byTag = (entries: PanelEntry[], desc: string, tag: string) => entries.find((x) => x.desc === desc && x.tag === tag)!;

describe('restore picker', () => {
  describe('catalog', () => {
    it('groups entries by schema, then by kind, with counts', () => {
      const c = new Catalog(shop());
      const headers = c.rows('').filter((r) => r.type !== 'entry').map((r) => (r.type === 'schema' ? `${r.schema} (${r.count})` : `  ${r.group} (${r.count})`));
      assert.deepEqual(headers.slice(0, 4), ['public (1)', '  Tables (1)', 'shop (16)', '  Tables (2)']);
      assert.ok(headers.includes('  Constraints (2)'));
    });

    it('filters on every word, in any order, across kind, schema and name', () => {
      const c = new Catalog(shop());
      const names = (f: string) => c.rows(f).flatMap((r) => (r.type === 'entry' ? [`${r.entry.desc} ${r.entry.tag}`] : []));
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
    it('brings a table\'s data, keys, indexes, triggers, sequences, defaults, comments and grants, with reasons', () => {
      const entries = shop();
      const sel = new Selection(new Catalog(entries));
      sel.toggle(byTag(entries, 'TABLE', 'products').id);
      const on = sel.items().selected.filter((i) => i.on).map((i) => `${i.entry.desc}: ${i.reason}`);
      for (const want of ['TABLE DATA: rows of TABLE shop.products', 'CONSTRAINT', 'INDEX', 'TRIGGER', 'SEQUENCE', 'DEFAULT', 'COMMENT: comment on TABLE shop.products', 'ACL: grants on TABLE shop.products']) {
        assert.ok(on.some((x) => x.startsWith(want)), `missing ${want} in ${on.join('; ')}`);
      }
      assert.ok(!on.some((x) => x.startsWith('FK CONSTRAINT')), 'the FK of orders needs orders');
      assert.match(sel.items().omitted.map((o) => o.reason).join(), /shop\.orders/);
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

    it('selects a schema\'s contents through its schema entry', () => {
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
      assert.deepEqual(sel.items().selected.map((i) => i.entry.desc), ['TABLE']);
    });

    it('never ticks an entry with nothing to restore', () => {
      const entries = shop();
      entries[1].restorable = false;
      const sel = new Selection(new Catalog(entries));
      sel.toggle(entries[1].id);
      assert.equal(sel.chosen.size, 0);
    });
  });
});
