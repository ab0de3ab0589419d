import { versionMajor } from '../tools/discover';

/** A backup's versions in a few characters: "PG 15", or "PG 15, pg_dump 17" when another major's pg_dump made it. */
export function versionsText(v: { serverVersion?: string; pgDumpVersion?: string }): string | undefined {
  const server = versionMajor(v.serverVersion);
  const dump = versionMajor(v.pgDumpVersion);
  if (server === undefined) return dump === undefined ? undefined : `pg_dump ${dump}`;
  return dump !== undefined && dump !== server ? `PG ${server}, pg_dump ${dump}` : `PG ${server}`;
}
