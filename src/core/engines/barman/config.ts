/**
 * A self-contained Barman setup for one PostgreSQL server: its own configuration file (passed with `-c`, never
 * /etc/barman.conf) with `backup_method = postgres` and streaming WAL over a replication slot, and the commands that
 * bring it to life. Passwords never appear here: libpq reads them from the pgpass file `passfile` names. Pure.
 */
import { PgBackupError } from '../../errors';

export interface BarmanRetention {
  /** `REDUNDANCY n`: keep the newest n backups. */
  redundancy?: number;
  /** `RECOVERY WINDOW OF n DAYS`: keep what a recovery to any point of the last n days needs. */
  recoveryWindowDays?: number;
}

export interface BarmanSetupOptions {
  /** The Barman server name (the config section, `barman:SERVER`). */
  server: string;
  /** Where the configuration file is written. */
  configFile: string;
  /** barman_home: backups, WAL and Barman's own state. The lock directory and the log go under it. */
  home: string;
  /** Folder of pg_basebackup / pg_receivewal of the server's major (path_prefix). */
  pgBin: string;
  /** Host or socket folder, port, database and users Barman connects with. */
  host: string;
  port: number;
  database?: string;
  /** A superuser or a role with backup privileges (conninfo). */
  user: string;
  /** A role with REPLICATION (streaming_conninfo); `user` when absent. */
  streamingUser?: string;
  /** A pgpass file (mode 0600, readable by Barman's OS user) holding the passwords, if any. */
  passfile?: string;
  /** The replication slot name; `barman_` + server by default. */
  slotName?: string;
  retention?: BarmanRetention;
  /** The OS user Barman runs as (barman_user). */
  barmanUser?: string;
  description?: string;
}

export interface BarmanStep {
  /** What the step does, for the preview and for the error when it fails. */
  step: string;
  argv: string[];
}

export interface BarmanSetup {
  configFile: string;
  /** The configuration file's content. */
  config: string;
  /** Folders to create (owned by Barman's user) before the first command. */
  directories: string[];
  /** In order: create the slot, start the WAL receiver (cron), close the current WAL, check. */
  commands: BarmanStep[];
  /** What the PostgreSQL server needs for this setup, for the preview. */
  serverRequirements: string[];
}

export const DEFAULT_BARMAN_USER = 'barman';

/** A slot name PostgreSQL accepts: lower-case letters, digits and underscores. */
export function barmanSlotName(server: string): string {
  return `barman_${server.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/** A libpq conninfo value, quoted when it has to be. */
function conninfoValue(v: string): string {
  return /^[^\s'\\]+$/.test(v) && v !== '' ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function conninfo(parts: Record<string, string | undefined>): string {
  return Object.entries(parts)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${conninfoValue(v)}`)
    .join(' ');
}

/** A value of Barman's INI file: one line, `%` doubled (ConfigParser interpolates). */
function iniValue(name: string, v: string): string {
  if (/[\r\n]/.test(v)) throw new PgBackupError(`The Barman setting ${name} cannot span lines.`, 'input');
  return v.replace(/%/g, '%%');
}

function retentionPolicy(r: BarmanRetention | undefined): string | undefined {
  if (!r) return undefined;
  const positive = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n > 0;
  if (r.redundancy !== undefined && r.recoveryWindowDays !== undefined)
    throw new PgBackupError('Choose one Barman retention: redundancy or a recovery window.', 'usage');
  if (r.redundancy !== undefined) {
    if (!positive(r.redundancy)) throw new PgBackupError('Barman redundancy must be a whole number ≥ 1.', 'usage');
    return `REDUNDANCY ${r.redundancy}`;
  }
  if (r.recoveryWindowDays !== undefined) {
    if (!positive(r.recoveryWindowDays))
      throw new PgBackupError('The Barman recovery window must be a whole number of days ≥ 1.', 'usage');
    return `RECOVERY WINDOW OF ${r.recoveryWindowDays} DAYS`;
  }
  return undefined;
}

/** The `barman -c FILE` prefix every generated command and the engine use. */
export function barmanArgv(configFile: string | undefined, args: readonly string[]): string[] {
  return ['barman', ...(configFile ? ['-c', configFile] : []), ...args];
}

export function barmanSetup(o: BarmanSetupOptions): BarmanSetup {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(o.server) || o.server === 'barman')
    throw new PgBackupError(
      `"${o.server}" cannot be a Barman server name: use letters, digits, "_", "-" and ".", and not "barman".`,
      'usage',
    );
  const slot = o.slotName ?? barmanSlotName(o.server);
  if (!/^[a-z0-9_]{1,63}$/.test(slot))
    throw new PgBackupError(`"${slot}" is not a replication slot name (a-z, 0-9, _).`, 'usage');
  const home = o.home.replace(/\/+$/, '');
  const lockDir = `${home}/lock`;
  const common = { host: o.host, port: String(o.port), passfile: o.passfile };
  const settings: [string, string | undefined][] = [
    ['description', o.description ?? `pg-backup: ${o.server}`],
    ['conninfo', conninfo({ ...common, user: o.user, dbname: o.database ?? 'postgres' })],
    ['streaming_conninfo', conninfo({ ...common, user: o.streamingUser ?? o.user })],
    ['backup_method', 'postgres'],
    ['streaming_archiver', 'on'],
    ['archiver', 'off'],
    ['slot_name', slot],
    ['create_slot', 'manual'],
    ['path_prefix', o.pgBin],
    ['retention_policy', retentionPolicy(o.retention)],
    ['retention_policy_mode', 'auto'],
    ['wal_retention_policy', 'main'],
  ];
  const section = (name: string, rows: [string, string | undefined][]) => [
    `[${name}]`,
    ...rows.filter((r): r is [string, string] => r[1] !== undefined).map(([k, v]) => `${k} = ${iniValue(k, v)}`),
  ];
  const config = [
    '; Barman configuration written by pg-backup. Passwords live in the pgpass file, never here.',
    ...section('barman', [
      ['barman_user', o.barmanUser ?? DEFAULT_BARMAN_USER],
      ['barman_home', home],
      ['barman_lock_directory', lockDir],
      ['log_file', `${home}/barman.log`],
      ['log_level', 'INFO'],
    ]),
    '',
    ...section(o.server, settings),
    '',
  ].join('\n');
  const cmd = (step: string, args: string[]): BarmanStep => ({ step, argv: barmanArgv(o.configFile, args) });
  return {
    configFile: o.configFile,
    config,
    directories: [home, lockDir],
    commands: [
      cmd('create the replication slot', ['receive-wal', '--create-slot', o.server]),
      cmd('start streaming WAL (cron starts receive-wal)', ['cron']),
      cmd('close the current WAL segment', [
        'switch-wal',
        '--force',
        '--archive',
        '--archive-timeout',
        '120',
        o.server,
      ]),
      cmd('check', ['check', o.server]),
    ],
    serverRequirements: [
      'wal_level = replica (or logical)',
      'max_wal_senders ≥ 2 and max_replication_slots ≥ 1',
      `pg_hba.conf lets "${o.streamingUser ?? o.user}" connect for replication and "${o.user}" to "${o.database ?? 'postgres'}"`,
    ],
  };
}

/** barman_user of a Barman configuration's [barman] section (who Barman must run as), or the default. */
export function configuredBarmanUser(configText: string): string {
  let inGlobal = false;
  for (const raw of configText.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) inGlobal = header[1].trim() === 'barman';
    else if (inGlobal) {
      const m = /^barman_user\s*[=:]\s*(\S+)/.exec(line);
      if (m) return m[1];
    }
  }
  return DEFAULT_BARMAN_USER;
}
