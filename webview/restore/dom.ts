/** The few DOM helpers the picker's views share. */
import type { Intent, PickerState } from './model';
import type { VirtualList } from './virtual-list';

/** The element with this id (the layout has them all). */
export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A list row's checkbox: drawn, not focusable (the list has the keyboard). */
export function checkbox(state: 'on' | 'off' | 'mixed', disabled = false): HTMLInputElement {
  const box = el('input');
  box.type = 'checkbox';
  box.checked = state === 'on';
  box.indeterminate = state === 'mixed';
  box.disabled = disabled;
  box.tabIndex = -1;
  return box;
}

export function pre(text: string): HTMLElement {
  const p = el('pre');
  p.textContent = text;
  return p;
}

/**
 * A list's keys: `intentFor` turns a key (and the rows per screen, less one, that Page Up/Down move) into an
 * intent, or leaves the key alone; the list then scrolls to its `cursor`.
 */
export function listKeys(
  list: VirtualList,
  rowHeight: number,
  dispatch: Dispatch,
  intentFor: (key: string, page: number) => Intent | undefined,
  cursor: () => number,
): void {
  list.container.tabIndex = 0;
  list.container.addEventListener('keydown', (ev) => {
    const intent = intentFor(ev.key, Math.max(1, Math.floor(list.container.clientHeight / rowHeight) - 1));
    if (!intent) return;
    ev.preventDefault();
    dispatch(intent);
    list.reveal(cursor());
  });
}

/** How a view reports what the user did. */
export type Dispatch = (intent: Intent) => void;
/** A view redraws what changed since `prev` (undefined: the first drawing). */
export type Render = (state: PickerState, prev: PickerState | undefined) => void;
