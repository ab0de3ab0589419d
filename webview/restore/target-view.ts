/** The target form: the connection, a new or an existing database, and pg_restore's options. */
import { byId, el, type Dispatch, type Render } from './dom';
import { BOOL_OPTIONS, type OptionsForm } from './model';

export function mountTarget(dispatch: Dispatch): Render {
  const conn = byId<HTMLSelectElement>('conn');
  const kindNew = byId<HTMLInputElement>('kind-new');
  const kindExisting = byId<HTMLInputElement>('kind-existing');
  const newName = byId<HTMLInputElement>('new-name');
  const existing = byId<HTMLSelectElement>('existing');
  const role = byId<HTMLInputElement>('role');
  const jobs = byId<HTMLInputElement>('jobs');
  const flags = new Map(BOOL_OPTIONS.map(([key, flag, help]) => [key, optionBox(key, flag, help)]));
  const options = (): OptionsForm => ({
    flags: Object.fromEntries([...flags].filter(([, box]) => box.checked).map(([key]) => [key, true])),
    role: role.value,
    jobs: jobs.value,
  });

  conn.addEventListener('change', () => dispatch({ type: 'connection', connection: conn.value }));
  kindNew.addEventListener('change', () => dispatch({ type: 'kind', kind: 'new' }));
  kindExisting.addEventListener('change', () => dispatch({ type: 'kind', kind: 'existing' }));
  existing.addEventListener('change', () => dispatch({ type: 'existing', database: existing.value }));
  newName.addEventListener('input', () => dispatch({ type: 'newName', name: newName.value }));
  byId('options').addEventListener('change', () => dispatch({ type: 'options', options: options() }));
  for (const input of [role, jobs]) {
    input.addEventListener('input', () => dispatch({ type: 'options', options: options() }));
  }

  return (s, prev) => {
    const t = s.target;
    if (s.connections !== prev?.connections) conn.replaceChildren(...s.connections.map((c) => new Option(c, c)));
    conn.value = t.connection;
    kindNew.checked = t.kind === 'new';
    kindExisting.checked = t.kind === 'existing';
    if (newName.value !== t.newName) newName.value = t.newName;
    newName.disabled = t.kind !== 'new';
    if (t.databases !== prev?.target.databases) {
      existing.replaceChildren(...t.databases.map((d) => new Option(d, d, false, d === t.existing)));
    }
    existing.value = t.existing;
    existing.disabled = t.kind !== 'existing';
    if (s.options === prev?.options) return;
    for (const [key, box] of flags) box.checked = !!s.options.flags[key];
    if (role.value !== s.options.role) role.value = s.options.role;
    if (jobs.value !== s.options.jobs) jobs.value = s.options.jobs;
  };
}

/** An option's checkbox with its flag as the label and what it does as the tooltip. */
function optionBox(key: string, flag: string, help: string): HTMLInputElement {
  const l = el('label');
  l.title = help;
  const box = el('input');
  box.type = 'checkbox';
  box.id = `opt-${key}`;
  l.append(box, ` ${flag}`);
  byId('options').append(l);
  return box;
}
