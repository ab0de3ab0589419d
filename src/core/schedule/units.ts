/**
 * What makes the backup script run on time: a crontab line, or a systemd service + timer pair, each with the
 * steps to install it. Pure.
 */
import { PgBackupError } from '../errors';
import { shQuote } from '../pitr/quote';
import type { Every } from './every';

export interface ScheduleFile {
  name: string;
  content: string;
}

/** In a crontab's command field an unescaped % ends the command (the rest becomes its stdin). */
const cronCommand = (text: string) => text.replace(/%/g, '\\%');

/** The files a schedule needs besides the script, the one command that installs them, and what else to know. */
export interface ScheduleUnits {
  files: ScheduleFile[];
  installCommand: string;
  install: string[];
}

export function renderCron(job: string, every: Every, scriptPath: string, logPath: string): ScheduleUnits {
  const line = `${every.cron} ${cronCommand(`${shQuote(scriptPath)} >>${shQuote(logPath)} 2>&1`)}`;
  const content = `# ${job}: ${every.text} (installed with crontab; each run appends to the log named below)\n# m h dom mon dow command\n${line}\n`;
  const installCommand = `crontab -l 2>/dev/null | cat - ${shQuote(`${job}.cron`)} | crontab -`;
  return {
    files: [{ name: `${job}.cron`, content }],
    installCommand,
    install: [`Add the line to the crontab of the user whose ~/.pgpass has the password: ${installCommand}`, `Each run appends to ${logPath}; a failed run exits non-zero there and deletes no backup.`],
  };
}

export function renderSystemd(job: string, every: Every, scriptPath: string): ScheduleUnits {
  if (!every.onCalendar) throw new PgBackupError(every.calendarProblem ?? `"${every.text}" has no systemd calendar equivalent.`, 'usage');
  const service = `[Unit]
Description=${job}: PostgreSQL backup (pg_dump) made by pg-backup
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${scriptPath.replace(/%/g, '%%')}
# Backups should not slow the applications down.
Nice=10
IOSchedulingClass=idle
`;
  const timer = `[Unit]
Description=${job}: ${every.text}

[Timer]
OnCalendar=${every.onCalendar}
# A run missed while the machine was off happens at the next boot.
Persistent=true
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
`;
  const installCommand = `cp ${shQuote(`${job}.service`)} ${shQuote(`${job}.timer`)} ~/.config/systemd/user/ && systemctl --user daemon-reload && systemctl --user enable --now ${shQuote(`${job}.timer`)}`;
  return {
    files: [
      { name: `${job}.service`, content: service },
      { name: `${job}.timer`, content: timer },
    ],
    installCommand,
    install: [
      `Install as the user whose ~/.pgpass has the password: ${installCommand}`,
      `(or system-wide in /etc/systemd/system with User= added to the service), then check it: systemctl --user list-timers ${shQuote(`${job}.timer`)}; logs: journalctl --user -u ${shQuote(`${job}.service`)}`,
      `Check the calendar: systemd-analyze calendar ${shQuote(every.onCalendar)}`,
    ],
  };
}
