import { userInfo } from 'node:os';
import type { ConnParams, SslMode } from './profile';
import { readService } from './service-file';

export interface ResolvedParams {
  host: string;
  port: number;
  user: string;
  database: string;
  sslmode?: SslMode;
}

/**
 * Fills what a profile leaves out the way libpq would: the service's keys, then PG* environment variables,
 * then libpq's defaults (local socket, 5432, the OS user, a database named like the user).
 */
export function resolveParams(p: ConnParams, env: NodeJS.ProcessEnv = process.env): ResolvedParams {
  const service = p.service ?? env.PGSERVICE;
  const svc = service ? readService(service, env) : {};
  const user = p.user ?? svc.user ?? env.PGUSER ?? userInfo().username;
  return {
    host: p.host ?? svc.host ?? env.PGHOST ?? '/var/run/postgresql',
    port: p.port ?? Number(svc.port ?? env.PGPORT ?? 5432),
    user,
    database: p.database ?? svc.dbname ?? env.PGDATABASE ?? user,
    sslmode: p.sslmode ?? (svc.sslmode as SslMode | undefined) ?? (env.PGSSLMODE as SslMode | undefined),
  };
}

/** "host:port" of the server a profile reaches, as libpq resolves it: what tells two servers' backups apart. */
export function serverAddress(p: ConnParams, env: NodeJS.ProcessEnv = process.env): string {
  const r = resolveParams(p, env);
  return `${r.host}:${r.port}`;
}
