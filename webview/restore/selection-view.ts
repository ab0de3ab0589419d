/**
 * The selection: what will be restored (ticked, dependents with their reasons, prerequisites) and what was left
 * out and why, as a keyboard-driven virtual list where a dependent can be taken out and put back.
 */
import { label } from './catalog';
import { byId, checkbox, el, listKeys, type Dispatch, type Render } from './dom';
import { countsText, selKey, type PickerState } from './model';
import { VirtualList } from './virtual-list';

export function mountSelection(getState: () => PickerState, dispatch: Dispatch, rowHeight: number): Render {
  const list = new VirtualList(byId('sel'), rowHeight, (i) => selRow(getState(), i));
  list.container.setAttribute('role', 'listbox');
  list.container.setAttribute('aria-label', 'Objects to restore');
  list.container.addEventListener('click', (ev) => {
    const index = list.indexOf(ev.target);
    if (index >= 0) dispatch({ type: 'toggleSelRow', index });
  });
  listKeys(
    list,
    rowHeight,
    dispatch,
    (key, page) => selKey(getState(), key, page),
    () => getState().selCursor,
  );

  return (s, prev) => {
    if (s.selRows !== prev?.selRows) {
      list.setCount(s.selRows.length);
      byId('counts').textContent = countsText(s);
    } else if (s.selCursor !== prev.selCursor) {
      list.refresh();
    }
  };
}

function selRow(s: PickerState, i: number): HTMLElement {
  const r = s.selRows[i];
  const origin = r.origin && r.origin !== 'selected' && r.origin !== 'dependent' ? ` ${r.origin}` : '';
  const cls = `${r.omitted ? ' omitted' : ''}${r.on ? ' on' : ''}${origin}${i === s.selCursor ? ' cursor' : ''}`;
  const div = el('div', `row sel-row${cls}`);
  div.setAttribute('role', 'option');
  div.setAttribute('aria-selected', String(r.on));
  const name = r.entry.schema ? `${r.entry.schema}.${r.entry.tag}` : r.entry.tag;
  div.append(
    checkbox(r.on ? 'on' : 'off', !r.entry.restorable),
    el('span', 'kind', r.entry.desc),
    el('span', 'name', name),
    el('span', 'reason muted', r.omitted ? `left out: ${r.reason}` : r.reason),
  );
  div.title = `${label(r.entry)}\n${r.omitted ? 'left out: ' : ''}${r.reason}`;
  return div;
}
