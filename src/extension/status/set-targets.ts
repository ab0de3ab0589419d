import * as vscode from 'vscode';
import type { ConnectionProfile } from '../../core/connection/profile';
import { PgBackupError } from '../../core/errors';
import { parseDuration } from '../../core/status/duration';
import { targetSettingsOf, type TargetSettings, type TargetText } from '../../core/status/targets';
import type { Ctx } from '../context';
import type { ConnectionsTreeNode } from '../tree/connections-tree';
import { pickConnection } from '../ui/pick-connection';
import { markWalkthroughDone } from '../walkthrough';

/** Setting the targets without the UI (tests, other commands): an empty or missing text clears that target. */
export interface SetTargetsArgs extends TargetText {
  connection: string;
  /** Set the database's own targets; omitted: the connection's. */
  database?: string;
}

type Saved = ConnectionProfile & TargetSettings;

/** The same texts with the cleared ones left out (an empty object when both are). */
const kept = ({ rpo, rto }: TargetText): TargetText =>
  Object.fromEntries(Object.entries({ rpo, rto }).filter(([, v]) => v !== undefined && v.trim() !== ''));

/** The RPO/RTO fields of a saved connection, which the connection form does not show (kept when it is edited). */
export function targetFieldsOf(p: Saved): TargetSettings {
  const { rpo, rto, databases } = p;
  return { ...kept({ rpo, rto }), ...(databases ? { databases } : {}) };
}

function withTargets(p: Saved, database: string | undefined, t: TargetText): Saved {
  const { rpo: _rpo, rto: _rto, ...rest } = p;
  if (!database) return { ...rest, ...kept(t) };
  const databases = { ...(p.databases ?? {}), [database]: kept(t) };
  if (!Object.keys(databases[database]).length) delete databases[database];
  const { databases: _old, ...others } = p;
  return { ...others, ...(Object.keys(databases).length ? { databases } : {}) };
}

/** Asks for one target; undefined when cancelled, '' to clear it. */
function ask(what: 'RPO' | 'RTO', where: string, value: string | undefined) {
  const meaning = what === 'RPO' ? 'how much data may be lost' : 'how fast it must be restored';
  return vscode.window.showInputBox({
    title: `${what} target for ${where}`,
    prompt: `${what}: ${meaning}, e.g. 15m, 24h, 7d or 1h30m. Empty clears it.`,
    value: value ?? '',
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (!text.trim()) return undefined;
      try {
        parseDuration(text, what);
        return undefined;
      } catch (e) {
        return e instanceof PgBackupError ? `${e.message} ${e.hint ?? ''}` : String(e);
      }
    },
  });
}

/** "Set RPO/RTO Targets…" on a connection or a database: kept with the connection in its settings. */
export const setTargets = (ctx: Ctx) => async (arg?: ConnectionsTreeNode | SetTargetsArgs) => {
  const direct = arg && !('kind' in arg) ? arg : undefined;
  const node = direct ? undefined : (arg as ConnectionsTreeNode | undefined);
  const database = direct?.database ?? (node?.kind === 'database' ? node.database.name : undefined);
  const connection = direct
    ? direct.connection
    : (await pickConnection(ctx, node, 'Choose the connection whose targets to set', 'Set RPO/RTO Targets'))?.name;
  if (connection === undefined) return undefined;
  const saved = ctx.config.connections().find((c) => c.profile.name === connection);
  if (!saved) throw new PgBackupError(`No saved connection is named "${connection}".`, 'usage');
  let texts: TargetText | undefined = direct;
  if (!direct) {
    const current = targetSettingsOf(saved.profile);
    const now = database ? (current.databases?.[database] ?? {}) : current;
    const where = database ? `"${database}" on ${saved.profile.name}` : `connection ${saved.profile.name}`;
    const rpo = await ask('RPO', where, now.rpo);
    const rto = rpo === undefined ? undefined : await ask('RTO', where, now.rto);
    texts = rto === undefined ? undefined : { rpo, rto };
  }
  if (!texts) return undefined;
  for (const key of ['rpo', 'rto'] as const) if (texts[key]?.trim()) parseDuration(texts[key], key);
  const list = ctx.config.connectionsIn(saved.scope) as Saved[];
  const updated = list.map((p) => (p.name === saved.profile.name ? withTargets(p, database, texts) : p));
  await ctx.config.saveConnections(saved.scope, updated);
  if (texts.rpo?.trim() || texts.rto?.trim()) await markWalkthroughDone(ctx.extension, 'targetsSet');
  return targetSettingsOf(updated.find((p) => p.name === saved.profile.name));
};
