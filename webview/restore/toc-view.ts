/**
 * The table of contents: a virtual list of the dump's entries grouped by schema and kind, the search box that
 * filters it on every keystroke, and the "with dependents" switch; rows show what is ticked and why.
 */
import { label } from './catalog';
import { byId, checkbox, el, listKeys, type Dispatch, type Render } from './dom';
import { isOpen, shownText, tocKey, type PickerState } from './model';
import { triState } from './selection';
import { VirtualList } from './virtual-list';

export function mountToc(getState: () => PickerState, dispatch: Dispatch, rowHeight: number): Render {
  const toc = new VirtualList(byId('toc'), rowHeight, (i) => tocRow(getState(), i));
  const filter = byId<HTMLInputElement>('filter');
  const deps = byId<HTMLInputElement>('deps');
  toc.container.addEventListener('click', (ev) => {
    const index = toc.indexOf(ev.target);
    if (index >= 0) dispatch({ type: 'activate', index, tick: (ev.target as HTMLElement).tagName === 'INPUT' });
  });
  listKeys(
    toc,
    rowHeight,
    dispatch,
    (key, page) => tocKey(getState(), key, page),
    () => getState().cursor,
  );
  filter.addEventListener('input', () => dispatch({ type: 'filter', text: filter.value }));
  deps.addEventListener('change', () => dispatch({ type: 'withDependents', on: deps.checked }));

  return (s, prev) => {
    if (filter.value !== s.filter) filter.value = s.filter;
    deps.checked = s.selection.withDependents;
    if (s.rows !== prev?.rows) {
      byId('shown').textContent = shownText(s);
      if (prev && s.filter !== prev.filter) toc.container.scrollTop = 0;
      toc.setCount(s.rows.length);
    } else if (s.selection !== prev.selection || s.cursor !== prev.cursor) {
      toc.refresh();
    }
  };
}

function tocRow(s: PickerState, i: number): HTMLElement {
  const r = s.rows[i];
  const sel = s.selection;
  const div = el('div', `row row-${r.type}${i === s.cursor ? ' cursor' : ''}`);
  div.setAttribute('role', 'treeitem');
  if (r.type === 'entry') {
    const e = r.entry;
    const on = sel.isOn(e.id);
    const why = sel.reason(e.id);
    div.classList.toggle('on', on);
    div.classList.toggle('dependent', on && why !== 'selected' && !sel.chosen.has(e.id));
    div.setAttribute('aria-selected', String(on));
    div.append(checkbox(on ? 'on' : 'off', !e.restorable), el('span', 'kind', e.desc), el('span', 'name', e.tag));
    if (why && why !== 'selected') {
      div.append(el('span', on ? 'reason' : 'reason muted', on ? `← ${why}` : `(${why})`));
    } else if (!e.restorable) {
      div.append(el('span', 'reason muted', 'nothing to restore'));
    }
    div.title = `${label(e)}${e.owner ? ` · owner ${e.owner}` : ''}${why ? `\n${why}` : ''}`;
    return div;
  }
  const open = isOpen(s, r.key);
  const twisty = el('span', 'twisty', open ? '▾' : '▸');
  const state = triState(sel, s.catalog.entriesUnder(r.key));
  div.setAttribute('aria-expanded', String(open));
  if (r.type === 'schema') {
    const schemaOn = r.schemaEntry && sel.isOn(r.schemaEntry.id);
    div.append(twisty, checkbox(schemaOn ? 'on' : state), el('span', 'name', `schema ${r.schema}`));
  } else {
    div.append(twisty, checkbox(state), el('span', 'name', r.group));
  }
  div.append(el('span', 'count muted', String(r.count)));
  return div;
}
