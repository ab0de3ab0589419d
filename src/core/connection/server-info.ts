import type { Client } from 'pg';

export interface ServerInfo {
  /** e.g. "15.18 (Debian 15.18-0+deb12u1)" */
  version: string;
  /** server_version_num, e.g. 150018 */
  versionNum: number;
  major: number;
  currentDatabase: string;
  currentUser: string;
  timeZone: string;
  isSuperuser: boolean;
  inRecovery: boolean;
}

export interface DatabaseInfo {
  name: string;
  sizeBytes: number;
  owner: string;
  encoding: string;
}

/** server_version_num → major: 150018 → 15, 90624 → 9.6. */
export function majorOf(versionNum: number): number {
  const major = Math.floor(versionNum / 10000);
  return versionNum >= 100000 ? major : major + (Math.floor(versionNum / 100) % 100) / 10;
}

export async function serverInfo(c: Client): Promise<ServerInfo> {
  const { rows } = await c.query(
    `select current_setting('server_version') as version, current_setting('server_version_num')::int as num,
            current_database() as db, current_user as usr, current_setting('TimeZone') as tz,
            (select rolsuper from pg_roles where rolname = current_user) as su, pg_is_in_recovery() as rec`,
  );
  const r = rows[0];
  return {
    version: r.version,
    versionNum: r.num,
    major: majorOf(r.num),
    currentDatabase: r.db,
    currentUser: r.usr,
    timeZone: r.tz,
    isSuperuser: r.su === true,
    inRecovery: r.rec === true,
  };
}

/** Databases the user can connect to, templates excluded, with their size. */
export async function listDatabases(c: Client): Promise<DatabaseInfo[]> {
  const { rows } = await c.query(
    `select d.datname as name,
            case when has_database_privilege(d.datname, 'CONNECT') then pg_database_size(d.oid) else -1 end::bigint as size,
            pg_get_userbyid(d.datdba) as owner, pg_encoding_to_char(d.encoding) as encoding
       from pg_database d
      where not d.datistemplate and d.datallowconn
      order by d.datname`,
  );
  return rows.map((r) => ({ name: r.name, sizeBytes: Number(r.size), owner: r.owner, encoding: r.encoding }));
}
