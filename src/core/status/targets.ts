/**
 * RPO and RTO targets: per connection (`pgBackup.connections[i].rpo/rto`) and per database
 * (`pgBackup.connections[i].databases[name].rpo/rto`), durations like "15m" or "7d". Nothing secret.
 */
import { parseDuration } from './duration';

export interface TargetText {
  rpo?: string;
  rto?: string;
}

/** The targets part of a saved connection. */
export interface TargetSettings extends TargetText {
  databases?: Record<string, TargetText>;
}

export interface Targets {
  rpoMs?: number;
  rtoMs?: number;
}

/** The targets fields of any saved-connection object (other fields are ignored). */
export function targetSettingsOf(conn: object | undefined): TargetSettings {
  const c = (conn ?? {}) as Record<string, unknown>;
  const text = (v: unknown): TargetText => {
    const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
    const str = (x: unknown) => (x === undefined ? undefined : String(x));
    return { rpo: str(o.rpo), rto: str(o.rto) };
  };
  const dbs = c.databases && typeof c.databases === 'object' ? (c.databases as Record<string, unknown>) : {};
  return { ...text(c), databases: Object.fromEntries(Object.entries(dbs).map(([name, v]) => [name, text(v)])) };
}

/**
 * A database's targets: `override` (the CLI's --rpo/--rto) first, then the database's own, then its
 * connection's. A bad duration is an 'input' error naming where it was written.
 */
export function targetsFor(settings: TargetSettings | undefined, database: string, override: TargetText = {}): Targets {
  const own = settings?.databases?.[database] ?? {};
  const pick = (key: keyof TargetText): number | undefined => {
    const [text, what, where] =
      override[key] !== undefined
        ? [override[key], `--${key}`]
        : own[key] !== undefined
          ? [own[key], key, `database "${database}"`]
          : [settings?.[key], key, 'the connection'];
    return text === undefined ? undefined : parseDuration(text, what, where);
  };
  return { rpoMs: pick('rpo'), rtoMs: pick('rto') };
}
