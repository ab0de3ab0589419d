import { discoverTools } from '../../core/tools/discover';
import { EXIT, has, parseArgs, type CliCommand } from '../command';

export const toolsCommand: CliCommand = {
  name: 'tools',
  usage: 'pg-backup tools [--json]',
  summary: 'List the PostgreSQL client tools found on this machine, by major version.',
  async run(args, io) {
    const p = parseArgs(args, [], ['json']);
    const sets = await discoverTools(io.env.PGBACKUP_TOOL_FOLDERS?.split(':').filter(Boolean) ?? [], io.env);
    if (has(p, 'json')) {
      io.out(JSON.stringify({ toolSets: sets }, null, 2));
    } else if (!sets.length) {
      io.out('No PostgreSQL client tools found. Install postgresql-client (apt), postgresql@N (brew) or the EDB installer.');
    } else {
      for (const s of sets) io.out(`PostgreSQL ${s.version}  ${s.dir}\n  ${Object.keys(s.tools).join(' ')}`);
    }
    return EXIT.ok;
  },
};
