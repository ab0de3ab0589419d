/**
 * maintenance_work_mem for pg_restore's sessions. Index and primary key builds after the data load sort in
 * memory up to it; the server default (64 MB) spills tables of a few hundred megabytes to disk. PostgreSQL's
 * "Populating a Database" advice is to raise it for a restore; it applies to the restore's sessions only.
 */
export const RESTORE_MAINTENANCE_WORK_MEM = '512MB';

/**
 * PGOPTIONS for pg_restore: the user's own (from the environment) with maintenance_work_mem added, unless
 * they set it themselves.
 */
export function restorePgOptions(current: string | undefined = process.env.PGOPTIONS): string {
  const own = current?.trim() ?? '';
  if (/maintenance_work_mem/.test(own)) return own;
  return [own, `-c maintenance_work_mem=${RESTORE_MAINTENANCE_WORK_MEM}`].filter(Boolean).join(' ');
}
