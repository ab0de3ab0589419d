import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import type { ArchiveFormat } from '../../core/archive/types';
import type { ConnectionProfile } from '../../core/connection/profile';
import { restoresInParallel, type RestoreOptions } from '../../core/restore/options';
import type { Ctx } from '../context';
import { databaseNames, defaultExistingDatabase, suggestNewDatabaseName, type RestoreTarget } from './target';

/** New database (the default, named after the dump) or one of the server's existing databases. */
export async function chooseTarget(
  ctx: Ctx,
  profile: ConnectionProfile,
  dumpDatabase: string | null | undefined,
): Promise<RestoreTarget | undefined> {
  const names = await databaseNames(ctx, profile, true);
  const suggested = suggestNewDatabaseName(dumpDatabase, names);
  // The likeliest existing target first: the dump's own database, else the first that is not `postgres`.
  const first = defaultExistingDatabase(dumpDatabase, names);
  const existing = first ? [first, ...names.filter((n) => n !== first)] : names;
  const picked = await vscode.window.showQuickPick(
    [
      { label: `$(add) New database "${suggested}"`, description: 'created first (recommended)', id: 'new' },
      { label: '$(edit) New database with another name…', id: 'named' },
      { label: 'Existing databases', kind: vscode.QuickPickItemKind.Separator, id: '' },
      ...existing.map((n) => ({
        label: `$(database) ${n}`,
        description: n === dumpDatabase ? "the dump's database: restore writes into it" : 'existing',
        id: `db:${n}`,
      })),
    ],
    { placeHolder: `Restore into which database on ${profile.name}?`, ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.id === 'new') return { profile, database: suggested, kind: 'new' };
  if (picked.id === 'named') {
    const name = await vscode.window.showInputBox({
      title: 'Name of the new database',
      value: suggested,
      ignoreFocusOut: true,
      validateInput: (v) =>
        !v.trim()
          ? 'A name is needed.'
          : v.length > 63
            ? 'At most 63 bytes.'
            : names.includes(v)
              ? `"${v}" exists already.`
              : undefined,
    });
    return name ? { profile, database: name, kind: 'new' } : undefined;
  }
  return { profile, database: picked.id.slice(3), kind: 'existing' };
}

type OptionId = 'clean' | 'noOwner' | 'singleTransaction' | 'exitOnError' | 'jobs';

/** pg_restore's options as a multi-select; parallel jobs asks for a number (custom and directory only). */
export async function chooseOptions(format: ArchiveFormat, target: RestoreTarget): Promise<RestoreOptions | undefined> {
  const items: (vscode.QuickPickItem & { id: OptionId })[] = [
    {
      id: 'clean',
      label: '--clean --if-exists',
      description: 'drop objects of the dump that exist in the target, then recreate them',
      picked: false,
    },
    {
      id: 'noOwner',
      label: '--no-owner',
      description: "objects belong to the connecting user instead of the dump's owners",
      picked: true,
    },
    {
      id: 'exitOnError',
      label: '--exit-on-error',
      description: 'stop at the first error instead of going on',
      picked: false,
    },
    {
      id: 'singleTransaction',
      label: '--single-transaction',
      description: 'all or nothing (implies exit on error; no parallel jobs)',
      picked: false,
    },
  ];
  if (restoresInParallel(format))
    items.push({ id: 'jobs', label: '--jobs …', description: 'restore with parallel workers', picked: false });
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: `Restore options (into ${target.kind} database "${target.database}")`,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const on = new Set(picked.map((p) => p.id));
  const o: RestoreOptions = {
    noOwner: on.has('noOwner'),
    exitOnError: on.has('exitOnError'),
    singleTransaction: on.has('singleTransaction'),
  };
  if (on.has('clean')) Object.assign(o, { clean: true, ifExists: true });
  if (on.has('jobs')) {
    const n = await vscode.window.showInputBox({
      title: 'Parallel jobs',
      value: String(Math.min(4, availableParallelism())),
      validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'A whole number of 1 or more.'),
    });
    if (!n) return undefined;
    o.jobs = Number(n);
  }
  return o;
}
