import { resolve } from 'node:path';
import { engineFor } from '../../core/engines';
import type { RepoRestoreRequest } from '../../core/engines/types';
import { PgBackupError } from '../../core/errors';
import { renderCommandLine } from '../../core/process/run-tool';
import { describeTarget, RECOVERY_ACTIONS, type RecoveryAction } from '../../core/pitr/model';
import { defineCommand, EXIT } from '../command';
import { flag, has } from '../flags';
import { CONFIG_FLAG, engineProgress, REPO_ARG, repoArgument, VERBOSE_FLAG } from '../repo-arg';
import { EXCLUSIVE_FLAG, inclusiveFlag, TARGET_FLAG, targetFlag } from '../target-flag';

export const repoRestoreCommand = defineCommand({
  name: 'repo restore',
  args: REPO_ARG,
  flags: {
    config: CONFIG_FLAG,
    to: { value: 'DIR', required: true, help: 'a new or empty folder to restore the data directory into' },
    target: TARGET_FLAG,
    exclusive: EXCLUSIVE_FLAG,
    action: { value: RECOVERY_ACTIONS.join('|'), help: 'what the server does at the target (default promote)' },
    backup: { value: 'LABEL', help: 'restore this backup (default: the newest one that ended before the target)' },
    'dry-run': { help: "print the engine's restore command, run nothing" },
    verbose: VERBOSE_FLAG,
  },
  summary:
    'Restore a repository backup into DIR with recovery configured for the target, refusing a target outside the recoverable window.',
  async run(p, io) {
    const repo = repoArgument(p, 'repo restore');
    const to = flag(p, 'to');
    const target = targetFlag(p);
    if (!to || !target) throw new PgBackupError('Both --to DIR and --target are needed.', 'usage');
    const inclusive = inclusiveFlag(p, target);
    const action = flag(p, 'action') as RecoveryAction | undefined;
    if (action !== undefined && !RECOVERY_ACTIONS.includes(action))
      throw new PgBackupError(`--action must be ${RECOVERY_ACTIONS.join(', ')}, not "${action}".`, 'usage');
    const label = flag(p, 'backup');
    const req: RepoRestoreRequest = {
      repo,
      to: resolve(to),
      target,
      ...(inclusive ? {} : { inclusive }),
      ...(action ? { action } : {}),
      ...(label ? { label } : {}),
    };
    const engine = await engineFor(repo);
    if (has(p, 'dry-run')) {
      const [file, ...args] = engine.restoreArgv(req);
      io.out(renderCommandLine(file, args));
      return EXIT.ok;
    }
    const r = await engine.restore(req, engineProgress(io, has(p, 'verbose')));
    io.out(
      [
        `Restored ${r.label} into ${r.to}, recovery configured for ${describeTarget(target, inclusive)} (then ${action ?? 'promote'}).`,
        `Start it with: pg_ctl -D ${r.to} start  (as the OS user that owns it; set its port first if another server runs)`,
      ].join('\n'),
    );
    return EXIT.ok;
  },
});
