import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PgBackupError } from '../../core/errors';
import { readBaseBackup, type BaseBackupInfo } from '../../core/physical/base-backup-info';
import { describeSource, parseSource, parseTimeline, RECOVERY_ACTIONS } from '../../core/pitr/model';
import type { ArchiveSource, PitrModel, RecoveryAction } from '../../core/pitr/model';
import { writeRecoveryFiles } from '../../core/physical/recovery-files';
import { renderRecoveryFiles } from '../../core/pitr/render';
import { buildRunbook, renderRunbook } from '../../core/pitr/runbook';
import { hasErrors, validateModel, type Issue } from '../../core/pitr/validate';
import type { RecoverableWindow } from '../../core/pitr/window';
import { discoverTools } from '../../core/tools/discover';
import { defineCommand, EXIT } from '../command';
import { flag, has } from '../flags';
import { EXCLUSIVE_FLAG, inclusiveFlag, TARGET_FLAG, TARGET_VALUE, targetFlag } from '../target-flag';
import { describeWindow, windowFor } from './pitr-window';

const SOURCE_HELP = 'cp:DIR | rsync:HOST:DIR | walg | pgbackrest:STANZA | barman:HOST:SERVER';

/** Why this process cannot list and read a folder, or undefined when it can. */
async function readableFolder(dir: string): Promise<string | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) return 'is not a folder';
    await access(dir, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
  }
}

/**
 * The archive folder to check the target against: --archive, else a local `cp:` source (that folder is the
 * archive) when it can be read here. When there is none, a warning says that the target was not checked.
 */
async function archiveToCheck(
  archiveDir: string | undefined,
  source: ArchiveSource,
): Promise<{ dir?: string; issue?: Issue }> {
  if (archiveDir) return { dir: archiveDir };
  const unchecked = (why: string): Issue => ({
    field: 'target',
    severity: 'warning',
    message: `The target was not checked against the recoverable window: ${why}.`,
  });
  if (source.kind !== 'cp') {
    return { issue: unchecked(`give --archive DIR with a readable copy of the ${source.kind} archive`) };
  }
  const problem = await readableFolder(source.dir);
  return problem ? { issue: unchecked(`the archive folder ${source.dir} ${problem} here`) } : { dir: source.dir };
}

export const pitrConfigCommand = defineCommand({
  name: 'pitr config',
  flags: {
    backup: { value: 'DIR', required: true, help: 'the base backup to recover from' },
    source: {
      value: SOURCE_HELP,
      required: true,
      help: 'where restore_command fetches WAL from (cp:<--archive> when not given)',
    },
    target: TARGET_FLAG,
    action: { value: 'pause|promote|shutdown', help: 'what the server does at the target (default pause)' },
    exclusive: EXCLUSIVE_FLAG,
    timeline: { value: 'latest|current|N', help: 'the timeline to recover along (default latest)' },
    standby: { help: 'write standby.signal: keep following the archive as a standby' },
    archive: { value: 'DIR', help: 'a readable copy of the WAL archive to check the target against' },
    out: { value: 'DATADIR', help: 'write the recovery files into this restored data directory' },
    json: { help: 'print the model, files, issues, window and runbook as JSON' },
  },
  summary:
    'Generate the recovery files and the runbook for a point-in-time recovery; check the target against the ' +
    'recoverable window of --archive, or of a cp: source folder readable here.',
  async run(p, io) {
    const backupDir = flag(p, 'backup');
    if (!backupDir) throw new PgBackupError('--backup DIR is needed: the base backup to recover from.', 'usage');
    const archiveDir = flag(p, 'archive');
    const sourceText = flag(p, 'source') ?? (archiveDir ? `cp:${resolve(archiveDir)}` : undefined);
    const source = sourceText ? parseSource(sourceText) : undefined;
    if (!source)
      throw new PgBackupError(`--source must be ${SOURCE_HELP}${sourceText ? `, not "${sourceText}"` : ''}.`, 'usage');
    const target = targetFlag(p);
    if (!target) throw new PgBackupError(`--target must be ${TARGET_VALUE}.`, 'usage');
    const action = (flag(p, 'action') ?? 'pause') as RecoveryAction;
    if (!RECOVERY_ACTIONS.includes(action))
      throw new PgBackupError(`--action must be pause, promote or shutdown, not "${action}".`, 'usage');
    const timeline = parseTimeline(flag(p, 'timeline') ?? 'latest');
    if (timeline === undefined)
      throw new PgBackupError(
        `--timeline must be latest, current or a timeline number, not "${flag(p, 'timeline')}".`,
        'usage',
      );

    let window: RecoverableWindow | undefined;
    let info: BaseBackupInfo;
    const checked = await archiveToCheck(archiveDir, source);
    if (checked.dir) ({ window, backup: info } = await windowFor(backupDir, checked.dir, io.env, io.signal));
    else info = await readBaseBackup(backupDir);
    if (info.serverMajor === undefined)
      throw new PgBackupError(`Cannot tell the PostgreSQL version of ${backupDir}: PG_VERSION is missing.`, 'input');

    const model: PitrModel = {
      serverMajor: info.serverMajor,
      target,
      inclusive: inclusiveFlag(p, target),
      timeline,
      action,
      source,
      standby: has(p, 'standby'),
    };
    const issues = [...validateModel(model, window), ...(checked.issue ? [checked.issue] : [])];
    if (hasErrors(issues)) {
      const errors = issues.filter((i) => i.severity === 'error');
      throw new PgBackupError(errors[0].message, 'input', {
        detail:
          errors
            .slice(1)
            .map((i) => i.message)
            .join('\n') || undefined,
      });
    }
    const files = renderRecoveryFiles(model);
    const outFlag = flag(p, 'out');
    const out = outFlag === undefined ? undefined : resolve(outFlag);
    const binDir = (await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env)).find(
      (s) => s.major === model.serverMajor,
    )?.dir;
    const runbook = buildRunbook(model, {
      dataDir: out ?? '/path/to/data',
      backupDir: resolve(backupDir),
      backupFormat: info.format,
      tarFiles: info.tarFiles,
      binDir,
      stamp: new Date().toISOString().slice(0, 10),
    });
    const written = out ? await writeRecoveryFiles(out, files) : undefined;
    if (has(p, 'json')) {
      io.out(
        JSON.stringify(
          { model, files, issues, window, runbook, written: out ? { dataDir: out, files: written } : undefined },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    for (const i of issues) io.err(`warning: ${i.message}`);
    if (window) io.out(describeWindow(window).join('\n') + '\n');
    io.out(`Recovery of a PostgreSQL ${model.serverMajor} base backup from ${describeSource(source)}:\n`);
    for (const f of files)
      io.out(
        `--- ${f.name} (${f.mode === 'append' ? 'append' : 'new file'}${f.content ? '' : ', empty'})\n${f.content}`,
      );
    if (out) io.out(`Written into ${out}: ${written?.join(', ') || 'nothing (the settings are there already)'}.\n`);
    io.out(`Runbook:\n\n${renderRunbook(runbook)}`);
    return EXIT.ok;
  },
});
