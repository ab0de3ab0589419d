import { engineFor } from '../../core/engines';
import { defineCommand, EXIT } from '../command';
import { flag, has } from '../flags';
import { CONFIG_FLAG, engineProgress, REPO_ARG, repoArgument, VERBOSE_FLAG } from '../repo-arg';

export const repoVerifyCommand = defineCommand({
  name: 'repo verify',
  args: REPO_ARG,
  flags: {
    config: CONFIG_FLAG,
    backup: { value: 'LABEL', help: 'verify only this backup (and the WAL it needs)' },
    verbose: VERBOSE_FLAG,
  },
  summary: "Check the repository's files against their checksums (pgbackrest verify); exit 1 when something is wrong.",
  async run(p, io) {
    const repo = repoArgument(p, 'repo verify');
    const label = flag(p, 'backup');
    const r = await (
      await engineFor(repo)
    ).verify(repo, {
      ...engineProgress(io, has(p, 'verbose')),
      ...(label ? { label } : {}),
    });
    io.out(r.ok ? r.message : `Verify FAILED: ${r.message}`);
    return r.ok ? EXIT.ok : EXIT.difference;
  },
});
