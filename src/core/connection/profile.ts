import { parse as parseUri } from 'pg-connection-string';
import { PgBackupError } from '../errors';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
export const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A saved connection. Never carries a password: those live in SecretStorage, PGPASSWORD or a pgpass file. */
export interface ConnectionProfile {
  name: string;
  host?: string;
  port?: number;
  user?: string;
  database?: string;
  sslmode?: SslMode;
  /** A pg_service.conf service name; its keys fill what the profile leaves out. */
  service?: string;
}

/** Connection parameters as libpq would see them, password excluded. */
export type ConnParams = Omit<ConnectionProfile, 'name'>;

const KEYS = new Set([
  'host',
  'hostaddr',
  'port',
  'user',
  'dbname',
  'sslmode',
  'service',
  'password',
  'connect_timeout',
  'application_name',
]);

/** Parses `key=value key2='quoted value'` conninfo as libpq does (single quotes, backslash escapes). */
export function parseConninfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new PgBackupError(`Invalid connection string: missing "=" after "${s.slice(i)}".`, 'usage');
    const key = s.slice(i, eq).trim();
    i = eq + 1;
    while (i < s.length && /\s/.test(s[i])) i++;
    let value = '';
    if (s[i] === "'") {
      i++;
      while (i < s.length && s[i] !== "'") {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
      if (s[i] !== "'") throw new PgBackupError('Invalid connection string: unterminated quoted value.', 'usage');
      i++;
    } else {
      while (i < s.length && !/\s/.test(s[i])) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
    }
    out[key] = value;
  }
  return out;
}

function toParams(kv: Record<string, string | undefined>): { params: ConnParams; password?: string } {
  for (const k of Object.keys(kv)) {
    if (!KEYS.has(k) && kv[k] !== undefined) {
      throw new PgBackupError(`Unsupported connection parameter "${k}".`, 'usage', {
        hint: `Supported: ${[...KEYS].join(', ')}.`,
      });
    }
  }
  const params: ConnParams = {};
  if (kv.host || kv.hostaddr) params.host = kv.host || kv.hostaddr;
  if (kv.port) {
    const port = Number(kv.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new PgBackupError(`Invalid port "${kv.port}".`, 'usage');
    params.port = port;
  }
  if (kv.user) params.user = kv.user;
  if (kv.dbname) params.database = kv.dbname;
  if (kv.service) params.service = kv.service;
  if (kv.sslmode) {
    if (!SSL_MODES.includes(kv.sslmode as SslMode)) {
      throw new PgBackupError(`Invalid sslmode "${kv.sslmode}".`, 'usage', {
        hint: `Use one of ${SSL_MODES.join(', ')}.`,
      });
    }
    params.sslmode = kv.sslmode as SslMode;
  }
  return { params, password: kv.password || undefined };
}

/** Parses a libpq URI (postgresql://…) or a key=value conninfo string. A password in it is returned apart. */
export function parseConnectionString(text: string): { params: ConnParams; password?: string } {
  const t = text.trim();
  if (/^postgres(ql)?:\/\//i.test(t)) {
    let parsed: ReturnType<typeof parseUri>;
    try {
      // sslmode is read from the query below; pg-connection-string would only warn about its own aliases.
      parsed = parseUri(t.replace(/([?&])sslmode=[^&]*&?/i, '$1').replace(/[?&]$/, ''));
    } catch (e) {
      throw new PgBackupError(`Invalid connection URI: ${(e as Error).message}`, 'usage');
    }
    const kv: Record<string, string | undefined> = {
      host: parsed.host ?? undefined,
      port: parsed.port ?? undefined,
      user: parsed.user ?? undefined,
      dbname: parsed.database ?? undefined,
      password: parsed.password ?? undefined,
    };
    const query = new URL(t.replace(/^postgres(ql)?:/i, 'http:')).searchParams;
    for (const [k, v] of query) {
      if (k === 'host' || k === 'port' || k === 'user' || k === 'dbname') continue; // already folded in by parseUri
      if (k === 'ssl') continue;
      kv[k] = v;
    }
    return toParams(kv);
  }
  if (t.includes('=')) return toParams(parseConninfo(t));
  throw new PgBackupError(`"${text}" is neither a postgresql:// URI nor a key=value connection string.`, 'usage');
}

function quoteConninfo(v: string): string {
  return /^[^\s'\\]+$/.test(v) && v.length > 0 ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Conninfo for client tools (`--dbname=…`): password-free by construction. */
export function toConninfo(p: ConnParams, overrides: Partial<ConnParams> = {}): string {
  const m = { ...p, ...overrides };
  const parts: string[] = [];
  if (m.service) parts.push(`service=${quoteConninfo(m.service)}`);
  if (m.host) parts.push(`host=${quoteConninfo(m.host)}`);
  if (m.port) parts.push(`port=${m.port}`);
  if (m.user) parts.push(`user=${quoteConninfo(m.user)}`);
  if (m.database) parts.push(`dbname=${quoteConninfo(m.database)}`);
  if (m.sslmode) parts.push(`sslmode=${m.sslmode}`);
  return parts.join(' ');
}

/** A short human label: user@host:port/db. */
export function describeParams(p: ConnParams): string {
  const host = p.host ?? 'localhost';
  return `${p.user ? `${p.user}@` : ''}${host}${p.port ? `:${p.port}` : ''}/${p.database ?? ''}`;
}
