import { engineFor } from '../../core/engines';
import { defineCommand, EXIT } from '../command';
import { has } from '../flags';
import { CONFIG_FLAG, engineProgress, REPO_ARG, repoArgument, VERBOSE_FLAG } from '../repo-arg';

export const repoExpireCommand = defineCommand({
  name: 'repo expire',
  args: REPO_ARG,
  flags: {
    config: CONFIG_FLAG,
    'dry-run': { help: 'list what would be removed, remove nothing' },
    verbose: VERBOSE_FLAG,
  },
  summary: "Remove backups (and their WAL) past the repository's retention (pgbackrest expire).",
  async run(p, io) {
    const repo = repoArgument(p, 'repo expire');
    const dryRun = has(p, 'dry-run');
    const { removed } = await (
      await engineFor(repo)
    ).expire(repo, { ...engineProgress(io, has(p, 'verbose')), dryRun });
    const verb = dryRun ? 'Would expire' : 'Expired';
    io.out(removed.length ? `${verb}: ${removed.join(', ')}` : 'Nothing is past retention.');
    return EXIT.ok;
  },
});
