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
  // The run's output goes to the log; only a failed run prints (its log's end), so cron mails exactly the failures.
  const log = shQuote(logPath);
  const onFailure = `{ echo "${job} failed (exit $?); the end of ${logPath.replace(/"/g, '')}:"; tail -n 20 ${log}; }`;
  const line = `${every.cron} ${cronCommand(`${shQuote(scriptPath)} >>${log} 2>&1 || ${onFailure}`)}`;
  const content = `# ${job}: ${every.text} (installed with crontab; each run appends to the log named below)
# A failed run exits non-zero and prints the end of its log: cron mails that to MAILTO (the crontab's owner by
# default) when the machine can send mail. To send it elsewhere, put a line like this above it (crontab -e):
# MAILTO=you@example.com
# m h dom mon dow command
${line}
`;
  const installCommand = `crontab -l 2>/dev/null | cat - ${shQuote(`${job}.cron`)} | crontab -`;
  return {
    files: [{ name: `${job}.cron`, content }],
    installCommand,
    install: [
      `Add the line to the crontab of the user whose ~/.pgpass has the password: ${installCommand}`,
      `Each run appends to ${logPath}; a failed run exits non-zero, deletes no backup and prints the end of the log,`,
      '  which cron mails to MAILTO: set MAILTO=you@example.com above the line (crontab -e); check mail is sent.',
    ],
  };
}

/** A value for a unit file line: % is a specifier there; quoted when it holds a space, quote or backslash. */
function unitWord(text: string): string {
  const escaped = text.replace(/%/g, '%%');
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/[\\"]/g, '\\$&')}"` : escaped;
}

export function renderSystemd(job: string, every: Every, scriptPath: string, statusPath: string): ScheduleUnits {
  if (!every.onCalendar)
    throw new PgBackupError(every.calendarProblem ?? `"${every.text}" has no systemd calendar equivalent.`, 'usage');
  const service = `[Unit]
Description=${job}: PostgreSQL backup (pg_dump) made by pg-backup
Wants=network-online.target
After=network-online.target
# A failed run starts ${job}-failure@.service for it: that logs the failure to the journal (and can notify).
OnFailure=${job}-failure@%n.service

[Service]
Type=oneshot
ExecStart=${unitWord(scriptPath)}
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
  const failure = `[Unit]
Description=${job}: report the failed run of %i

[Service]
Type=oneshot
# Logged at priority err (journalctl -p err); the status file says why and holds the end of the run's output.
ExecStart=systemd-cat -t ${job} -p err echo "%i failed; its status file says why:"
ExecStart=systemd-cat -t ${job} -p err cat ${unitWord(statusPath)}
# To be told, add a notifier (systemctl --user edit ${job}-failure@.service), for example:
# ExecStart=curl -fsS -m 10 --data-binary @${statusPath.replace(/%/g, '%%')} https://hc-ping.com/<your-check>/fail
`;
  const files = [`${job}.service`, `${job}.timer`, `${job}-failure@.service`];
  const installCommand =
    `cp ${files.map(shQuote).join(' ')} ~/.config/systemd/user/ && systemctl --user daemon-reload && ` +
    `systemctl --user enable --now ${shQuote(`${job}.timer`)}`;
  return {
    files: [
      { name: files[0], content: service },
      { name: files[1], content: timer },
      { name: files[2], content: failure },
    ],
    installCommand,
    install: [
      `Install as the user whose ~/.pgpass has the password: ${installCommand}`,
      `(or system-wide in /etc/systemd/system with User= added to the service), then check it: systemctl --user list-timers ${shQuote(`${job}.timer`)}; logs: journalctl --user -u ${shQuote(`${job}.service`)}`,
      `Check the calendar: systemd-analyze calendar ${shQuote(every.onCalendar)}`,
      `A failed run starts ${job}-failure@.service, which logs it to the journal at priority err; add a notifier to it`,
      `  with: systemctl --user edit ${shQuote(`${job}-failure@.service`)} (see the comment in it)`,
    ],
  };
}
