/**
 * The numbered recovery steps for one case, with the exact commands: stop, move the old data directory aside
 * (never delete it), copy or extract the base backup, write the recovery files, start, watch the log, check,
 * promote. Pure: the panel shows it beside the preview.
 */
import type { PitrModel } from './model';
import { shQuote, shWord } from './quote';
import { renderRecoveryFiles } from './render';

export interface RunbookContext {
  /** The data directory the server runs from (restored into). */
  dataDir: string;
  /** The base backup folder. */
  backupDir: string;
  backupFormat: 'plain' | 'tar';
  /** For tar backups: the file names inside backupDir, e.g. base.tar.gz and pg_wal.tar.gz. */
  tarFiles?: { base: string; wal?: string };
  /** Folder with pg_ctl and psql; PATH when absent. */
  binDir?: string;
  /** Server log file for pg_ctl -l. Default: <dataDir>/../pitr-recovery.log */
  logFile?: string;
  port?: number;
  /** OS user owning the data directory; commands that touch it run through sudo -u when given. */
  osUser?: string;
  /** Suffix for the moved-aside folder, e.g. a date. */
  stamp?: string;
  /**
   * The engine's restore (`pgbackrest … restore`, `barman recover …`) as a shell line, for a backup in a
   * repository: it replaces copying the base backup, and it writes the recovery settings itself.
   */
  restoreCommand?: string;
}

export interface RunbookStep {
  title: string;
  commands: string[];
  note?: string;
}

const HEREDOC = 'PGBACKUP_EOF';

export function buildRunbook(m: PitrModel, ctx: RunbookContext): RunbookStep[] {
  const bin = (tool: string) => (ctx.binDir ? shQuote(`${ctx.binDir.replace(/\/+$/, '')}/${tool}`) : tool);
  const as = (cmd: string) => (ctx.osUser ? `sudo -u ${shWord(ctx.osUser)} ${cmd}` : cmd);
  const data = shQuote(ctx.dataDir);
  const aside = shQuote(`${ctx.dataDir.replace(/\/+$/, '')}.before-pitr-${ctx.stamp ?? 'old'}`);
  const log = shQuote(ctx.logFile ?? `${ctx.dataDir.replace(/\/+$/, '').replace(/\/[^/]*$/, '')}/pitr-recovery.log`);
  const port = ctx.port ? ` -p ${ctx.port}` : '';
  const psql = (sql: string) => as(`${bin('psql')}${port} -X -c ${shQuote(sql)}`);
  const inFile = (name: string) => shQuote(`${ctx.dataDir.replace(/\/+$/, '')}/${name}`);

  const restore: string[] =
    ctx.backupFormat === 'plain'
      ? [as(`cp -a ${shQuote(ctx.backupDir)} ${data}`)]
      : [
          as(`mkdir -m 700 ${data}`),
          as(
            `tar -xf ${shQuote(`${ctx.backupDir.replace(/\/+$/, '')}/${ctx.tarFiles?.base ?? 'base.tar'}`)} -C ${data}`,
          ),
          ...(ctx.tarFiles?.wal
            ? [
                as(
                  `tar -xf ${shQuote(`${ctx.backupDir.replace(/\/+$/, '')}/${ctx.tarFiles.wal}`)} -C ${inFile('pg_wal')}`,
                ),
              ]
            : []),
        ];
  restore.push(as(`chmod 700 ${data}`));

  const write = renderRecoveryFiles(m).map((f) =>
    f.content === ''
      ? as(`touch ${inFile(f.name)}`)
      : `${as(`tee ${f.mode === 'append' ? '-a ' : ''}${inFile(f.name)}`)} >/dev/null <<'${HEREDOC}'\n${f.content}${HEREDOC}`,
  );

  const resume = m.serverMajor >= 10 ? 'pg_wal_replay_resume' : 'pg_xlog_replay_resume';
  const finish: RunbookStep = m.standby
    ? {
        title: 'Leave it following the archive as a standby',
        commands: [psql('select pg_is_in_recovery()')],
        note: 'It stays in recovery until you promote it with pg_ctl promote.',
      }
    : m.target.kind === 'latest'
      ? {
          title: 'It promotes itself at the end of the archived WAL',
          commands: [psql('select pg_is_in_recovery()')],
          note: 'false means recovery ended and the server accepts writes.',
        }
      : m.action === 'pause'
        ? {
            title: 'Promote once the data is right (recovery is paused at the target)',
            commands: [psql(`select ${resume}()`)],
            note: 'If the target was wrong, stop the server, start again from step 3 with another target: paused recovery has not changed the timeline yet.',
          }
        : m.action === 'promote'
          ? {
              title: 'It promotes itself at the target',
              commands: [psql('select pg_is_in_recovery()')],
              note: 'false means recovery ended on a new timeline and the server accepts writes.',
            }
          : {
              title: 'The server shut down at the target',
              commands: [
                as(`rm ${inFile(m.serverMajor >= 12 ? 'recovery.signal' : 'recovery.conf')}`),
                as(`${bin('pg_ctl')} -D ${data} -l ${log} start`),
              ],
              note: 'Starting it without the recovery file opens it read-write at the target.',
            };

  return [
    {
      title: 'Stop the server',
      commands: [as(`${bin('pg_ctl')} -D ${data} -m fast stop`)],
      note: 'Or stop its service (systemctl stop postgresql@…).',
    },
    {
      title: 'Move the old data directory aside — never delete it',
      commands: [`mv ${data} ${aside}`],
      note: 'Its pg_wal may hold WAL that was never archived; copy such files into the new pg_wal if you need them.',
    },
    ...(ctx.restoreCommand
      ? [
          {
            title: 'Restore from the repository',
            commands: [as(ctx.restoreCommand)],
            note: 'The engine writes the recovery settings (restore_command, the target) and recovery.signal itself.',
          },
        ]
      : [
          { title: 'Copy the base backup into place', commands: restore },
          { title: 'Write the recovery files', commands: write },
        ]),
    { title: 'Start the server', commands: [as(`${bin('pg_ctl')} -D ${data} -l ${log} start`)] },
    {
      title: 'Watch the log until recovery reaches the target',
      commands: [
        `tail -f ${log} | grep -E 'recovery stopping (before|after)|pausing at the end of recovery|archive recovery complete|ready to accept'`,
      ],
      note: '"recovery stopping before …" names the transaction where replay stopped.',
    },
    { title: 'Check the data you came for', commands: [psql('select pg_is_in_recovery()')] },
    finish,
  ];
}

/** Markdown: numbered steps, commands in sh blocks. */
export function renderRunbook(steps: readonly RunbookStep[]): string {
  return (
    steps
      .map((s, i) => [`${i + 1}. ${s.title}`, '```sh', ...s.commands, '```', ...(s.note ? [s.note] : [])].join('\n'))
      .join('\n\n') + '\n'
  );
}
