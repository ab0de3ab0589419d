/** `pgbackrest info --output=json` for one stanza, read into RepoInfo. */
import type { EngineRunOptions, RepoInfo, RepoSpec } from '../types';
import { requirePgbackrest } from './discover';
import { parseInfoJson } from './info-json';
import { runPgbackrest } from './run';

export async function readPgbackrestInfo(repo: RepoSpec, o: EngineRunOptions = {}): Promise<RepoInfo> {
  const { version } = await requirePgbackrest();
  const r = await runPgbackrest({
    repo,
    command: 'info',
    args: ['--output=json'],
    env: o.env,
    signal: o.signal,
    log: o.log,
  });
  return parseInfoJson(r.stdout, repo, version);
}
