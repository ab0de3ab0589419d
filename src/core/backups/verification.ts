/** What a backup's checksum is known to be: recorded, verified when, or found not to match. */
import { readSidecar, stageSidecar, type ChecksumReport } from '../dump/sidecar';
import { age } from './age';
import type { BackupEntry } from './catalog';

/** Keeps the outcome of a Verify Checksum in the backup's sidecar (written aside and renamed into place). */
export async function recordVerification(backupPath: string, report: ChecksumReport, at = new Date()): Promise<void> {
  const sidecar = await readSidecar(backupPath);
  const staged = await stageSidecar(backupPath, { ...sidecar, verified: { at: at.toISOString(), ok: report.ok } });
  await staged.commit();
}

type ChecksumFacts = Pick<BackupEntry, 'kind' | 'checksum' | 'sidecar'>;

/** The Backups view row's few characters: "sha256 recorded", "✓ sha256 verified 2 h ago", "✗ sha256 mismatch". */
export function checksumText(e: ChecksumFacts, now = Date.now()): string | undefined {
  if (e.checksum !== 'recorded') return undefined;
  if (e.kind === 'basebackup') return 'manifest';
  const v = e.sidecar?.verified;
  if (!v) return 'sha256 recorded';
  return v.ok ? `✓ sha256 verified ${age(new Date(v.at), now)}` : '✗ sha256 mismatch';
}

/** The tooltip's sentence about it. */
export function checksumDetail(e: ChecksumFacts): string {
  if (e.checksum !== 'recorded') return 'none recorded';
  if (e.kind === 'basebackup') return 'backup_manifest (verify with pg_verifybackup)';
  const v = e.sidecar?.verified;
  if (!v) return 'sha256 recorded in the sidecar, not verified yet (Verify Checksum compares the file with it)';
  const when = new Date(v.at).toLocaleString();
  if (v.ok) return `sha256 verified on ${when}: the file is as it was written`;
  return `sha256 MISMATCH found on ${when}: the file changed since it was written`;
}
