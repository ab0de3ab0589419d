/**
 * Gives a pg_basebackup failure one clear line, from what the server told it: a role without the REPLICATION
 * attribute, no pg_hba.conf line for replication, all WAL senders or replication slots in use.
 */
import { CONNECTION_LOST } from '../dump/failure';
import { PgBackupError } from '../errors';

/** What pg_basebackup says after the error while it cleans up: never the cause. */
const CLEANUP = /^pg_basebackup: (?:removing (?:data|contents of data|WAL) dir|changes to tablespace|waiting for)/;

export function classifyBaseBackupFailure(e: PgBackupError, user: string): PgBackupError {
  const d = e.detail ?? '';
  if (/must be superuser or replication role|permission denied to start WAL sender|REPLICATION attribute/i.test(d)) {
    return new PgBackupError(`Role "${user}" may not take base backups: it lacks the REPLICATION privilege.`, 'auth', {
      detail: d,
      hint: `As a superuser: ALTER ROLE "${user}" REPLICATION; and allow it in pg_hba.conf with a line whose database is "replication".`,
    });
  }
  if (/no pg_hba\.conf entry for replication connection/i.test(d)) {
    return new PgBackupError(`pg_hba.conf has no "replication" line for role "${user}" from this host.`, 'auth', {
      detail: d,
      hint: `Add e.g. "host replication ${user} <client-address>/32 scram-sha-256" to pg_hba.conf and reload.`,
    });
  }
  const senders = /exceeds max_wal_senders \(currently (\d+)\)/.exec(d);
  if (senders) {
    const n = Number(senders[1]);
    return new PgBackupError(
      n === 0
        ? 'The server allows no WAL senders (max_wal_senders = 0), so it cannot stream a base backup.'
        : `All ${n} WAL senders of the server are in use (max_wal_senders = ${n}).`,
      'database',
      {
        detail: d,
        hint:
          n === 0
            ? 'Set max_wal_senders to 10 or so and restart the server.'
            : 'Wait for another base backup or replica to finish, or raise max_wal_senders (needs a restart).',
      },
    );
  }
  if (/all replication slots are in use/i.test(d)) {
    return new PgBackupError(
      'All replication slots of the server are in use: streaming WAL needs a temporary one.',
      'database',
      { detail: d, hint: 'Drop an unused slot or raise max_replication_slots (needs a restart).' },
    );
  }
  if (/No space left on device/i.test(d)) {
    return new PgBackupError('The disk is full: the base backup could not be finished.', 'io', {
      detail: d,
      hint: 'Free some space or choose another folder.',
    });
  }
  // The cause: the lost connection when there was one, else the first error; the cleanup comes after them.
  const lines = d.split('\n').filter((l) => l.startsWith('pg_basebackup: ') && !CLEANUP.test(l));
  const errors = lines.filter((l) => l.startsWith('pg_basebackup: error: '));
  const first = errors.find((l) => CONNECTION_LOST.test(l)) ?? errors[0] ?? lines.at(-1);
  const cause = first?.replace(/^pg_basebackup: (?:error: )?/, '');
  if (CONNECTION_LOST.test(d)) {
    const hint = 'Check that the server is up and reachable, then take the backup again.';
    const line = `The connection to the server was lost during the base backup${cause ? `: ${cause}` : '.'}`;
    return new PgBackupError(line, 'unreachable', { detail: d, hint });
  }
  if (!cause || e.message.includes(cause)) return e;
  return new PgBackupError(`pg_basebackup failed: ${cause}`, e.kind, { detail: d, hint: e.hint });
}
