import type { Client } from 'pg';
import { PgBackupError } from '../errors';
import type { ConnParams } from './profile';
import { describeParams } from './profile';
import { resolveParams, type ResolvedParams } from './resolve';

export interface ConnectOptions {
  password?: string;
  /** Seconds before giving up on an unreachable host. Default 10. */
  connectTimeoutSec?: number;
  env?: NodeJS.ProcessEnv;
}

function sslOption(mode: ResolvedParams['sslmode']): boolean | { rejectUnauthorized: boolean } | undefined {
  switch (mode) {
    case 'require':
    case 'prefer':
    case 'allow':
      return mode === 'require' ? { rejectUnauthorized: false } : undefined;
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return undefined;
  }
}

/** Turns a node-postgres / socket error into one specific sentence for the user. */
export function classifyConnectError(e: unknown, r: ResolvedParams): PgBackupError {
  const err = e as { code?: string; message?: string };
  const where = describeParams(r);
  const msg = err.message ?? String(e);
  switch (err.code) {
    case '28P01':
      return new PgBackupError(`Password authentication failed for user "${r.user}" at ${where}.`, 'auth', {
        detail: msg,
        hint: 'Re-enter the password.',
      });
    case '28000':
      if (/SSL/i.test(msg))
        return new PgBackupError(`The server at ${where} requires SSL: ${msg}`, 'ssl', {
          detail: msg,
          hint: 'Set sslmode to "require".',
        });
      return new PgBackupError(`The server at ${where} refused the connection: ${msg}`, 'auth', { detail: msg });
    case '3D000':
      return new PgBackupError(`Database "${r.database}" does not exist on ${r.host}:${r.port}.`, 'database', {
        detail: msg,
      });
    case 'ECONNREFUSED':
      return new PgBackupError(`Cannot reach PostgreSQL at ${r.host}:${r.port}: connection refused.`, 'unreachable', {
        detail: msg,
        hint: 'Is the server running, and listening on that port?',
      });
    case 'ENOENT':
      return new PgBackupError(
        `Cannot reach PostgreSQL at ${r.host}:${r.port}: no server socket there.`,
        'unreachable',
        { detail: msg, hint: 'Is the server running, and listening on that port?' },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PgBackupError(`Cannot resolve host "${r.host}".`, 'unreachable', { detail: msg });
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new PgBackupError(`Cannot reach PostgreSQL at ${r.host}:${r.port}: ${err.code}.`, 'unreachable', {
        detail: msg,
      });
  }
  if (/timeout/i.test(msg))
    return new PgBackupError(`Cannot reach PostgreSQL at ${r.host}:${r.port}: timed out connecting.`, 'unreachable', {
      detail: msg,
    });
  if (/does not support SSL/i.test(msg))
    return new PgBackupError(`The server at ${where} does not support SSL.`, 'ssl', {
      detail: msg,
      hint: 'Set sslmode to "disable" or "prefer".',
    });
  if (/no password supplied|client password must be a string/i.test(msg)) {
    return new PgBackupError(`The server at ${where} asks for a password and none was given.`, 'auth', {
      detail: msg,
      hint: 'Enter the password, or add it to ~/.pgpass.',
    });
  }
  if (/pg_hba\.conf/i.test(msg))
    return new PgBackupError(`The server at ${where} has no pg_hba.conf entry for this connection.`, 'auth', {
      detail: msg,
    });
  return new PgBackupError(`Cannot connect to ${where}: ${msg}`, 'unreachable', { detail: msg });
}

/** Connects with node-postgres. PGPASSFILE / ~/.pgpass are honoured by pg when no password is given. */
export async function connect(p: ConnParams, opts: ConnectOptions = {}): Promise<Client> {
  const r = resolveParams(p, opts.env);
  // Loaded on first use: the extension activates without evaluating pg (activation budget 30 ms).
  const { Client } = await import('pg');
  const client = new Client({
    host: r.host,
    port: r.port,
    user: r.user,
    database: r.database,
    password: opts.password,
    ssl: sslOption(r.sslmode),
    connectionTimeoutMillis: (opts.connectTimeoutSec ?? 10) * 1000,
    application_name: 'pg-backup',
  });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query instead
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw classifyConnectError(e, r);
  }
  return client;
}

export async function withClient<T>(p: ConnParams, opts: ConnectOptions, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = await connect(p, opts);
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}
